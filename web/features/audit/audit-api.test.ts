import { describe, expect, it } from 'vitest';
import { auditSearch, changeRows, dayBoundary, showValue } from './audit-api.ts';

describe('audit helpers', () => {
  it('builds the query string from the filled filters only', () => {
    expect(auditSearch({ actor: ' owner@nexo.test ', action: '', resourceType: 'api_token' }, 'c1', 20)).toBe(
      'actor=owner%40nexo.test&resourceType=api_token&cursor=c1&limit=20',
    );
  });

  it('turns before/after into one row per key', () => {
    expect(changeRows({ before: { role: 'viewer', name: 'A' }, after: { role: 'admin', name: 'A' } })).toEqual([
      { key: 'role', before: 'viewer', after: 'admin', kind: 'diff' },
      { key: 'name', before: 'A', after: 'A', kind: 'diff' },
    ]);
    expect(changeRows({ after: { name: 'CI' } })).toEqual([{ key: 'name', before: undefined, after: 'CI', kind: 'diff' }]);
    expect(changeRows({ role: { from: 'viewer', to: 'admin' }, email: 'x@y' })).toEqual([
      { key: 'role', before: 'viewer', after: 'admin', kind: 'diff' },
      { key: 'email', value: 'x@y', kind: 'value' },
    ]);
    expect(changeRows(null)).toEqual([]);
  });

  it('formats values and day boundaries', () => {
    expect(showValue(undefined)).toBe('—');
    expect(showValue(['a'])).toBe('["a"]');
    expect(new Date(dayBoundary('2026-03-04', 'start') ?? '').getDate()).toBe(4);
    expect(dayBoundary('nope', 'end')).toBeUndefined();
  });
});
