import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, decryptSecret, encryptSecret, hmacSha256, randomToken, sha256Hex } from './crypto.ts';

const key = randomBytes(32);
const aad = 'org-1:record-1';

/** Flip one bit of one part of a sealed value, re-encoded canonically. */
function tamper(sealed: string, index: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('randomToken / sha256Hex / hmacSha256', () => {
  it('makes unique base64url tokens of the requested entropy', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toHaveLength(22);
    expect(new Set(Array.from({ length: 100 }, () => randomToken())).size).toBe(100);
  });

  it('hashes and MACs with known answers', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
    // RFC 4231 test case 2
    expect(hmacSha256('Jefe', 'what do ya want for nothing?').toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('constantTimeEqual', () => {
  it('compares strings and buffers', () => {
    expect(constantTimeEqual('secret', 'secret')).toBe(true);
    expect(constantTimeEqual(Buffer.from('secret'), 'secret')).toBe(true);
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('returns false without throwing on different lengths', () => {
    expect(constantTimeEqual('short', 'much longer value')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual('abc', 'abc\0')).toBe(false);
  });
});

describe('encryptSecret / decryptSecret', () => {
  it('round-trips, including empty and non-ASCII plaintexts', () => {
    for (const plaintext of ['sk_live_123', '', 'çãõ 🔑 секрет']) {
      const sealed = encryptSecret(key, plaintext, aad);
      expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
      expect(decryptSecret(key, sealed, aad)).toBe(plaintext);
    }
  });

  it('never seals the same plaintext the same way twice', () => {
    const sealings = new Set(Array.from({ length: 50 }, () => encryptSecret(key, 'same', aad)));
    expect(sealings.size).toBe(50);
  });

  it('does not reveal the plaintext', () => {
    expect(encryptSecret(key, 'hunter2-hunter2', aad)).not.toContain(Buffer.from('hunter2').toString('base64url'));
  });

  it('fails with a wrong key', () => {
    const sealed = encryptSecret(key, 'secret', aad);
    expect(() => decryptSecret(randomBytes(32), sealed, aad)).toThrow(/could not be decrypted/);
  });

  it("fails with another row's associated data", () => {
    const sealed = encryptSecret(key, 'secret', aad);
    expect(() => decryptSecret(key, sealed, 'org-1:record-2')).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(key, sealed, 'org-2:record-1')).toThrow(/could not be decrypted/);
  });

  it.each([
    [1, 'iv'],
    [2, 'tag'],
    [3, 'ciphertext'],
  ] as const)('fails when part %i (%s) is tampered with', (index, _part) => {
    const sealed = encryptSecret(key, 'a secret value', aad);
    expect(() => decryptSecret(key, tamper(sealed, index), aad)).toThrow(/could not be decrypted/);
  });

  it('fails on truncated, non-canonical or unknown-version values', () => {
    const sealed = encryptSecret(key, 'a secret value', aad);
    const [, iv, tag, ct] = sealed.split('.');
    expect(() => decryptSecret(key, `v2.${iv}.${tag}.${ct}`, aad)).toThrow(/unknown format/);
    expect(() => decryptSecret(key, `v1.${iv}.${tag}`, aad)).toThrow(/unknown format/);
    expect(() => decryptSecret(key, `v1.${iv}.${tag?.slice(0, 20)}.${ct}`, aad)).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(key, `v1.${iv}.${tag}.${ct}!`, aad)).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(key, 'not sealed at all', aad)).toThrow(/unknown format/);
  });

  it('keeps secrets out of error messages', () => {
    const sealed = encryptSecret(key, 'topsecretvalue', aad);
    try {
      decryptSecret(randomBytes(32), sealed, aad);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toMatch(/topsecretvalue|[0-9a-f]{64}/);
    }
  });

  it('refuses a key of the wrong size and an empty associated data', () => {
    expect(() => encryptSecret(randomBytes(16), 'x', aad)).toThrow(/32 bytes/);
    expect(() => encryptSecret(key, 'x', '')).toThrow(/Associated data/);
    expect(() => decryptSecret(key, encryptSecret(key, 'x', aad), '')).toThrow(/Associated data/);
  });
});
