import { createHash } from 'node:crypto';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import { createHttpClient } from '../sdk/http.ts';
import { type AmazonCredentials, LWA_TOKEN_URL } from './amazon-schemas.ts';

/**
 * Login with Amazon: exchanges the seller's refresh token for an access token (1 h). Tokens are cached
 * per process (clients are short-lived: the store layer builds one per call) and renewed five minutes
 * before they expire; concurrent callers share one exchange.
 */
const EARLY_MS = 5 * 60_000;
const cache = new Map<string, { token: string; expiresAt: number } | Promise<{ token: string; expiresAt: number }>>();

const keyOf = (url: string, credentials: AmazonCredentials) =>
  createHash('sha256').update(`${url}\n${credentials.lwaClientId}\n${credentials.refreshToken}`).digest('hex');

export const reconnectError = (message: string, status: number | null, cause?: unknown) =>
  new ConnectorError(`Amazon: ${message}: reconnect the store`, { kind: 'auth', retryable: false, upstreamStatus: status, cause });

async function exchange(url: string, credentials: AmazonCredentials, fetchImpl: typeof fetch | undefined, now: () => number) {
  const http = createHttpClient({ baseUrl: url, channel: 'Login with Amazon', fetch: fetchImpl, timeoutMs: 20_000 });
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: credentials.refreshToken,
    client_id: credentials.lwaClientId,
    client_secret: credentials.lwaClientSecret,
  });
  try {
    const answer = await http.request<{ access_token?: string; expires_in?: number }>({
      method: 'POST',
      path: '',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    });
    if (!answer.body?.access_token) throw new ConnectorError('Login with Amazon answered without an access token', { kind: 'protocol' });
    return { token: answer.body.access_token, expiresAt: now() + (answer.body.expires_in ?? 3600) * 1000 };
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    const text = JSON.stringify(error.details ?? '');
    if (text.includes('invalid_grant')) throw reconnectError('the refresh token was refused (invalid_grant: revoked or expired authorization)', 400, error);
    if (text.includes('invalid_client') || error.kind === 'auth') throw reconnectError('the LWA client id / secret were refused', error.upstreamStatus, error);
    throw error;
  }
}

/** A valid access token for the credentials (cached, renewed early); `force` drops the cached one first. */
export async function accessToken(
  credentials: AmazonCredentials,
  options: { authUrl?: string; fetch?: typeof fetch; now?: () => number; force?: boolean },
): Promise<string> {
  const url = options.authUrl ?? LWA_TOKEN_URL;
  const now = options.now ?? Date.now;
  const key = keyOf(url, credentials);
  if (options.force) cache.delete(key);
  const cached = cache.get(key);
  if (cached && !(cached instanceof Promise) && cached.expiresAt - EARLY_MS > now()) return cached.token;
  if (cached instanceof Promise) return (await cached).token;
  const pending = exchange(url, credentials, options.fetch, now);
  cache.set(key, pending);
  try {
    const fresh = await pending;
    cache.set(key, fresh);
    return fresh.token;
  } catch (error) {
    cache.delete(key);
    throw error;
  }
}
