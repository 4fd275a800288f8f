import { describe, expect, it } from 'vitest';
import { sha256Hex } from './crypto.ts';
import {
  base32Decode,
  base32Encode,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  hotpCode,
  normalizeRecoveryCode,
  otpauthQrSvg,
  otpauthUri,
  totpCode,
  verifyTotp,
} from './totp.ts';

const rfcKey = Buffer.from('12345678901234567890', 'ascii');
const rfcSecret = base32Encode(rfcKey);

describe('base32 (RFC 4648)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('encodes %j as %j (unpadded) and back', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(plain);
  });

  it('decodes case-insensitively, ignoring spaces and padding', () => {
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
  });

  it('round-trips random bytes of every length', () => {
    for (let n = 0; n < 64; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
    }
  });

  it('throws on invalid characters', () => {
    expect(() => base32Decode('MZXW1')).toThrow(/base32/);
    expect(() => base32Decode('MZ-XW')).toThrow(/base32/);
  });

  it('generates 160-bit secrets', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });
});

describe('HOTP (RFC 4226 Appendix D)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  it.each(expected.map((code, counter) => [counter, code]))('counter %i -> %s', (counter, code) => {
    expect(hotpCode(rfcKey, counter)).toBe(code);
  });
});

describe('TOTP (RFC 6238 Appendix B, SHA-1)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('T = %i -> %s', (seconds, code) => {
    expect(totpCode(rfcSecret, seconds * 1000, { digits: 8 })).toBe(code);
    expect(verifyTotp(rfcSecret, code, seconds * 1000, { digits: 8, window: 0 })).toEqual({ ok: true, counter: Math.floor(seconds / 30) });
  });

  it('also supports SHA-256 and SHA-512 (RFC 6238 Appendix B, T = 59)', () => {
    expect(totpCode(base32Encode(Buffer.from('12345678901234567890123456789012')), 59_000, { digits: 8, algorithm: 'sha256' })).toBe('46119246');
    const key64 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');
    expect(totpCode(base32Encode(key64), 59_000, { digits: 8, algorithm: 'sha512' })).toBe('90693936');
  });

  it('defaults to 6 digits and 30 s steps', () => {
    expect(totpCode(rfcSecret, 59_000)).toBe('287082'); // counter 1, as HOTP
    expect(totpCode(rfcSecret, 60_000)).toBe('359152'); // counter 2
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = 1_750_000_000_000;
  const counter = Math.floor(now / 30_000);

  it('accepts the current code and returns its counter', () => {
    expect(verifyTotp(secret, totpCode(secret, now), now)).toEqual({ ok: true, counter });
  });

  it('accepts one step of drift either side by default, and no more', () => {
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now)).toEqual({ ok: true, counter: counter - 1 });
    expect(verifyTotp(secret, totpCode(secret, now + 30_000), now)).toEqual({ ok: true, counter: counter + 1 });
    expect(verifyTotp(secret, totpCode(secret, now - 60_000), now)).toEqual({ ok: false });
    expect(verifyTotp(secret, totpCode(secret, now + 60_000), now)).toEqual({ ok: false });
  });

  it('honours a custom window', () => {
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now, { window: 0 })).toEqual({ ok: false });
    expect(verifyTotp(secret, totpCode(secret, now - 60_000), now, { window: 2 })).toEqual({ ok: true, counter: counter - 2 });
  });

  it('refuses an already-used counter (replay) when told the last one', () => {
    const code = totpCode(secret, now);
    expect(verifyTotp(secret, code, now, { afterCounter: counter })).toEqual({ ok: false });
    expect(verifyTotp(secret, code, now, { afterCounter: counter - 1 })).toEqual({ ok: true, counter });
  });

  it('rejects non-digit and wrong-length input, and the wrong secret', () => {
    const code = totpCode(secret, now);
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code.slice(0, 5)}x`, ` ${code}x`, '12345６', '-12345', '1e5000']) {
      expect(verifyTotp(secret, bad, now)).toEqual({ ok: false });
    }
    expect(verifyTotp(secret, undefined as unknown as string, now)).toEqual({ ok: false });
    expect(verifyTotp(generateTotpSecret(), code, now, { window: 0 }).ok).toBe(false);
  });

  it('ignores spaces as authenticator apps display them', () => {
    const code = totpCode(secret, now);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now).ok).toBe(true);
  });
});

describe('otpauth URI and QR', () => {
  it('follows the Key Uri Format and encodes the account name', () => {
    const uri = otpauthUri({ secret: 'JBSWY3DPEHPK3PXP', accountName: 'ana+ops@example.com', issuer: 'Nexo' });
    expect(uri).toBe('otpauth://totp/Nexo:ana%2Bops%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nexo&algorithm=SHA1&digits=6&period=30');
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.host).toBe('totp');
    expect(decodeURIComponent(parsed.pathname)).toBe('/Nexo:ana+ops@example.com');
    expect(parsed.searchParams.get('issuer')).toBe('Nexo');
    expect(parsed.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('encodes issuers with spaces and refuses colons', () => {
    expect(otpauthUri({ secret: 'AAAA', accountName: 'a b', issuer: 'Nexo Dev' })).toMatch(
      /^otpauth:\/\/totp\/Nexo%20Dev:a%20b\?secret=AAAA&issuer=Nexo%20Dev&/,
    );
    expect(() => otpauthUri({ secret: 'AAAA', accountName: 'x', issuer: 'A:B' })).toThrow(/":"/);
    expect(() => otpauthUri({ secret: 'AAAA', accountName: 'x:y' })).toThrow(/":"/);
  });

  it('renders an SVG QR code', async () => {
    const svg = await otpauthQrSvg(otpauthUri({ secret: generateTotpSecret(), accountName: 'ana@example.com' }));
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
  });
});

describe('recovery codes', () => {
  it('generates unique xxxx-xxxx-xxxx codes from an unambiguous alphabet', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/);
    expect(generateRecoveryCodes(3)).toHaveLength(3);
  });

  it('normalizes case, whitespace and dashes', () => {
    expect(normalizeRecoveryCode(' AB2C-de3F -gh4j\n')).toBe('ab2cde3fgh4j');
    expect(normalizeRecoveryCode('ab2c de3f gh4j')).toBe('ab2cde3fgh4j');
    expect(normalizeRecoveryCode('ab2c\u2013de3f\u2014gh4j')).toBe('ab2cde3fgh4j');
    expect(hashRecoveryCode('AB2C-DE3F-GH4J')).toBe(sha256Hex('ab2cde3fgh4j'));
  });
});
