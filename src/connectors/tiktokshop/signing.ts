import { constantTimeEqual, hmacSha256 } from '../../lib/crypto.ts';

/**
 * TikTok Shop's request signature ("Sign your API request", API 202309): every query parameter but
 * `sign` and `access_token`, sorted by key, concatenated as `{key}{value}` after the request path, then the
 * exact body bytes (unless the request is multipart/form-data), wrapped in the app secret on both sides and
 * HMAC-SHA256'd with the app secret; lowercase hex.
 */
export function signatureBase(input: { path: string; query: Record<string, string>; body?: string | null; multipart?: boolean }): string {
  const keys = Object.keys(input.query)
    .filter((key) => key !== 'sign' && key !== 'access_token')
    .sort();
  const params = keys.map((key) => `${key}${input.query[key]}`).join('');
  return `${input.path}${params}${input.multipart ? '' : (input.body ?? '')}`;
}

export function signRequest(input: { appSecret: string; path: string; query: Record<string, string>; body?: string | null; multipart?: boolean }): string {
  return hmacSha256(input.appSecret, `${input.appSecret}${signatureBase(input)}${input.appSecret}`).toString('hex');
}

/** A webhook's `Authorization` header: hex HMAC-SHA256 of `app_key + raw body` under the app secret. */
export function webhookSignature(appKey: string, appSecret: string, rawBody: Buffer | string): string {
  return hmacSha256(appSecret, Buffer.concat([Buffer.from(appKey, 'utf8'), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8')])).toString('hex');
}

/** Constant-time check of a webhook signature (lowercase hex only, as TikTok sends it). */
export function verifyWebhookSignature(rawBody: Buffer, header: string | null | undefined, appKey: string, appSecret: string): boolean {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/.test(header) || appKey === '' || appSecret === '') return false;
  return constantTimeEqual(webhookSignature(appKey, appSecret, rawBody), header);
}
