import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdFor } from './request-id.ts';

const req = (value?: string) => ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;

describe('requestIdFor', () => {
  it('keeps a sane caller id', () => {
    expect(requestIdFor(req('trace-01.abc:9'))).toBe('trace-01.abc:9');
  });

  it('replaces a missing, over-long or unsafe id with a fresh one', () => {
    for (const bad of [undefined, '', 'x'.repeat(200), 'a b', 'line\nbreak', '<script>']) {
      const id = requestIdFor(req(bad));
      expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
      expect(id).not.toBe(bad);
    }
  });
});
