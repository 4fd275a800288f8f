import { describe, expect, it } from 'vitest';
import { tokenStatus } from './tokens-api.ts';

describe('tokenStatus', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  it('is revoked, expired or active', () => {
    expect(tokenStatus({ revokedAt: '2026-01-01T00:00:00Z', expiresAt: null }, now)).toBe('revoked');
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-01-09T00:00:00Z' }, now)).toBe('expired');
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-02-01T00:00:00Z' }, now)).toBe('active');
    expect(tokenStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
  });
});
