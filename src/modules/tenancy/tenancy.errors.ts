import { AppError } from '../../lib/errors.ts';

/** One message for every credential failure, so responses never reveal whether an account exists. */
export const invalidCredentials = () => new AppError('UNAUTHORIZED', 'Invalid e-mail or password');
export const invalidTwoFactor = () => new AppError('UNAUTHORIZED', 'Invalid two-factor code');
export const authenticationRequired = () => new AppError('UNAUTHORIZED', 'Authentication required: sign in or send a valid API token');
export const forbidden = (message = 'You do not have permission to do this') => new AppError('FORBIDDEN', message);
