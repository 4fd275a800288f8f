export { ApiError, type ApiErrorKind } from './api-error.ts';
export { type RequestOptions, request, type Schema } from './client.ts';
