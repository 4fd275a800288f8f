import { constantTimeEqual, hmacSha256 } from '../../lib/crypto.ts';

/** Shopee rejects a timestamp more than 5 minutes away from its clock. */
export const SIGN_TOLERANCE_SECONDS = 300;

/**
 * The base string Shopee signs: `partner_id + api_path + timestamp` for public calls (auth link, token),
 * `+ access_token + shop_id` for shop calls (merchant calls use merchant_id; not used by Nexo).
 */
export function signBaseString(input: { partnerId: number | string; path: string; timestamp: number; accessToken?: string; shopId?: number | string }): string {
  const shop = input.accessToken !== undefined && input.shopId !== undefined ? `${input.accessToken}${input.shopId}` : '';
  return `${input.partnerId}${input.path}${input.timestamp}${shop}`;
}

/** HMAC-SHA256 of the base string with the partner key, lowercase hex: the `sign` query parameter. */
export function signRequest(partnerKey: string, input: Parameters<typeof signBaseString>[0]): string {
  return hmacSha256(partnerKey, signBaseString(input)).toString('hex');
}

/**
 * Push notifications: the `Authorization` header is hex HMAC-SHA256(partner_key, callback_url + "|" + raw body).
 * Compared in constant time against every active key; anything but 64 hex characters is refused.
 */
export function verifyPushSignature(input: { url: string; rawBody: Buffer; authorization: string | undefined; keys: readonly string[] }): boolean {
  const header = input.authorization?.trim() ?? '';
  if (!/^[0-9a-f]{64}$/i.test(header)) return false;
  const base = Buffer.concat([Buffer.from(`${input.url}|`, 'utf8'), input.rawBody]);
  let ok = false;
  for (const key of input.keys) if (constantTimeEqual(hmacSha256(key, base).toString('hex'), header.toLowerCase())) ok = true;
  return ok;
}
