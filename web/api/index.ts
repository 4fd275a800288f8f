export { ApiError, type ApiErrorKind, parseRetryAfter } from './api-error.ts';
export { CSRF_COOKIE, CSRF_HEADER, type HttpMethod, noContent, type RequestOptions, readCookie, request, type Schema } from './client.ts';
export { createQueryClient, queryClient, SESSION_QUERY_KEY } from './query-client.ts';
