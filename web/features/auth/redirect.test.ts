import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect.ts';

describe('safeRedirect', () => {
  it('keeps local paths with their query', () => {
    expect(safeRedirect('/settings/tokens')).toBe('/settings/tokens');
    expect(safeRedirect('/settings/audit?action=x')).toBe('/settings/audit?action=x');
  });

  it('refuses other sites, odd values and the login page itself', () => {
    for (const value of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '',
      undefined,
      42,
      '/login',
      '/login?redirect=/x',
    ]) {
      expect(safeRedirect(value)).toBe('/');
    }
  });
});
