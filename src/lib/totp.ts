import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import { sha256Hex } from './crypto.ts';
import { AppError } from './errors.ts';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, no padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Case-insensitive; ignores spaces and trailing `=` padding; throws on any other character. */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value < 0) throw new Error('Invalid base32 character');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** 160-bit secret (RFC 4226 recommends >= 128, the HMAC-SHA1 block size fits 160), base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  step?: number;
  digits?: number;
  algorithm?: TotpAlgorithm;
}

/** RFC 4226 HOTP with dynamic truncation; the counter is 64-bit big-endian. */
export function hotpCode(key: Uint8Array, counter: number | bigint, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new Error('digits must be an integer from 6 to 10');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return (binary % 10 ** digits).toString().padStart(digits, '0');
}

const counterAt = (timeMs: number, step: number): number => Math.floor(timeMs / 1000 / step);

export function totpCode(secretBase32: string, timeMs: number, { step = 30, digits = 6, algorithm = 'sha1' }: TotpOptions = {}): string {
  return hotpCode(base32Decode(secretBase32), counterAt(timeMs, step), digits, algorithm);
}

export interface VerifyTotpOptions extends TotpOptions {
  /** Steps of clock drift accepted either side of now. */
  window?: number;
  /** The last counter this user already redeemed: it and earlier ones are refused (replay). */
  afterCounter?: number;
}

export type VerifyTotpResult = { ok: true; counter: number } | { ok: false };

/** Spaces in the input are ignored ("123 456" as authenticator apps display it); anything else but exactly `digits` digits fails. */
export function verifyTotp(secretBase32: string, code: string, timeMs: number, options: VerifyTotpOptions = {}): VerifyTotpResult {
  const { step = 30, digits = 6, algorithm = 'sha1', window = 1, afterCounter } = options;
  const candidate = typeof code === 'string' ? code.replace(/ /g, '') : '';
  if (candidate.length !== digits || !/^[0-9]+$/.test(candidate)) return { ok: false };
  const key = base32Decode(secretBase32);
  const now = counterAt(timeMs, step);
  const given = Buffer.from(candidate);
  let matched: number | undefined;
  // Check every counter in the window (no early exit), so timing does not tell which step matched.
  for (let counter = now - window; counter <= now + window; counter++) {
    if (counter < 0) continue;
    const equal = timingSafeEqual(Buffer.from(hotpCode(key, counter, digits, algorithm)), given);
    if (equal && matched === undefined && (afterCounter === undefined || counter > afterCounter)) matched = counter;
  }
  return matched === undefined ? { ok: false } : { ok: true, counter: matched };
}

/** Key Uri Format (Google Authenticator): `otpauth://totp/Issuer:account?secret=…&issuer=…`. */
export function otpauthUri({ secret, accountName, issuer = 'Nexo' }: { secret: string; accountName: string; issuer?: string }): string {
  if (issuer.includes(':') || accountName.includes(':')) throw new AppError('VALIDATION', 'Issuer and account name must not contain ":"');
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    ['secret', secret.replace(/=+$/, '')],
    ['issuer', issuer],
    ['algorithm', 'SHA1'],
    ['digits', '6'],
    ['period', '30'],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`)
    .join('&');
  return `otpauth://totp/${label}?${query}`;
}

export function otpauthQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

// No 0/o, 1/l/i: codes get read off paper.
const RECOVERY_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** `xxxx-xxxx-xxxx` codes, ~59 bits each. Store only `hashRecoveryCode(code)`. */
export function generateRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** Case-, whitespace- and dash-insensitive form of a recovery code. */
export function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s\-‐‑‒–—]/g, '');
}

export function hashRecoveryCode(input: string): string {
  return sha256Hex(normalizeRecoveryCode(input));
}
