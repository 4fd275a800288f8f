import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

export function hmacSha256(key: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

// Both sides are reduced to fixed-length MACs under a key nobody else knows, so the comparison
// takes the same time whatever the inputs' lengths and never throws (timingSafeEqual needs equal lengths).
const compareKey = randomBytes(32);

export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(hmacSha256(compareKey, a), hmacSha256(compareKey, b));
}

/** Two hex SHA-256 digests (fixed length, so no length leak): a plain timing-safe compare, no HMAC. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

const SEALED_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new Error(`Secret key must be ${KEY_BYTES} bytes`);
}

function assertAad(aad: string): void {
  // An empty AAD would leave the ciphertext unbound to its row: refuse rather than seal weakly.
  if (typeof aad !== 'string' || aad.length === 0) throw new Error('Associated data (e.g. "<orgId>:<recordId>") is required');
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url). `aad` binds the ciphertext to its row, e.g. `"<orgId>:<recordId>"`. */
export function encryptSecret(key: Buffer, plaintext: string, aad: string): string {
  assertKey(key);
  assertAad(aad);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [SEALED_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

const decryptFailed = () => new Error('Secret could not be decrypted (wrong key, wrong associated data, or tampered value)');

// Buffer.from(…, 'base64url') silently skips invalid characters and ignores trailing bits; accept only the canonical form.
function decodeStrict(part: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

export function decryptSecret(key: Buffer, sealed: string, aad: string): string {
  assertKey(key);
  assertAad(aad);
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  if (parts.length !== 4 || parts[0] !== SEALED_VERSION) throw new Error('Sealed secret has an unknown format');
  const [iv, tag, ciphertext] = parts.slice(1).map(decodeStrict);
  if (!iv || iv.length !== IV_BYTES || !tag || tag.length !== TAG_BYTES || !ciphertext) throw decryptFailed();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw decryptFailed();
  }
}
