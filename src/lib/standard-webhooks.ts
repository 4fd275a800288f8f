import { randomBytes } from 'node:crypto';
import { constantTimeEqual, hmacSha256 } from './crypto.ts';

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const keyOf = (secret: string) => Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` (https://www.standardwebhooks.com). */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${hmacSha256(keyOf(secret), `${id}.${timestampSeconds}.${body}`).toString('base64')}`;
}

/** The three headers of a signed request. */
export function webhookHeaders(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signWebhook(secret, id, timestampSeconds, body) };
}

/**
 * What a receiver does: recompute the signature and compare (any of the space-separated `v1,` signatures may match),
 * and refuse timestamps more than `toleranceSeconds` away from its clock (replays).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = signWebhook(secret, id, ts, body);
  return signatures.split(' ').some((candidate) => constantTimeEqual(candidate, expected));
}
