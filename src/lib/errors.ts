import type { ErrorCode } from '../contracts/system.ts';

export type { ErrorCode };

/** An expected failure with a stable code; mapped to an HTTP status in one place (http/plugins/errors.ts). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export const notFound = (what: string, details?: unknown) => new AppError('NOT_FOUND', `${what} not found`, details);
export const conflict = (message: string, details?: unknown) => new AppError('CONFLICT', message, details);
export const validation = (message: string, details?: unknown) => new AppError('VALIDATION', message, details);
