import { randomBytes } from 'node:crypto';

/** UUID v7 (RFC 9562): time-ordered, so primary keys sort by creation. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random id safe to show to people (request ids). */
export const shortId = (bytes = 8): string => randomBytes(bytes).toString('base64url');
