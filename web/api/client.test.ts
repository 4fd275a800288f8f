import { afterEach, describe, expect, it, vi } from 'vitest';
import { readinessSchema, systemInfoSchema } from '../../src/contracts/system.ts';
import { ApiError } from './api-error.ts';
import { noContent, readCookie, request } from './client.ts';

const respond = (status: number, body: unknown) => vi.fn(async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));

afterEach(() => vi.unstubAllGlobals());

describe('request', () => {
  it('parses the error body {error, code, details, requestId}', async () => {
    vi.stubGlobal('fetch', respond(404, { error: 'Route GET /x not found', code: 'NOT_FOUND', requestId: 'r1', details: { a: 1 } }));
    const error = await request('/x', { schema: systemInfoSchema }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'http', status: 404, code: 'NOT_FOUND', requestId: 'r1', details: { a: 1 }, message: 'Route GET /x not found' });
  });

  it('accepts a 503 readiness answer as data', async () => {
    const body = { status: 'unavailable', checks: { database: { ok: false, latencyMs: 3, error: 'down' }, queue: { ok: true, latencyMs: 1 } } };
    vi.stubGlobal('fetch', respond(503, body));
    await expect(request('/readyz', { schema: readinessSchema, acceptStatuses: [503] })).resolves.toEqual(body);
  });

  it('treats a 503 that is not a readiness body (a proxy page) as an HTTP error', async () => {
    vi.stubGlobal('fetch', respond(503, '<html>Bad gateway</html>'));
    await expect(request('/readyz', { schema: readinessSchema, acceptStatuses: [503] })).rejects.toMatchObject({ kind: 'http', status: 503 });
  });

  it('reports network failures and unexpected shapes distinctly', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(request('/x', { schema: systemInfoSchema })).rejects.toMatchObject({ kind: 'network' });
    vi.stubGlobal('fetch', respond(200, { name: 'other' }));
    await expect(request('/x', { schema: systemInfoSchema })).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('sends JSON bodies', async () => {
    const fetch = respond(202, { id: '1', type: 'system.test' });
    vi.stubGlobal('fetch', fetch);
    const { testEventResponseSchema } = await import('../../src/contracts/system.ts');
    await request('/api/events/test', { method: 'POST', body: { message: 'hi' }, schema: testEventResponseSchema });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"message":"hi"}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('sends the CSRF cookie back as X-CSRF-Token on mutations, not on reads', async () => {
    vi.stubGlobal('document', { cookie: 'theme=dark; nexo_csrf=abc%3D123; other=1' });
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    await request('/api/auth/logout', { method: 'POST', schema: noContent });
    await request('/api/members/u1', { method: 'DELETE', schema: noContent });
    await request('/api/auth/me', { schema: noContent });
    const headers = fetch.mock.calls.map((call) => ((call as unknown as [string, RequestInit])[1].headers as Record<string, string>)['X-CSRF-Token']);
    expect(headers).toEqual(['abc=123', 'abc=123', undefined]);
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.credentials).toBe('same-origin');
  });

  it('reads Retry-After from a 429', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: 'Too many attempts', code: 'RATE_LIMITED' }), { status: 429, headers: { 'retry-after': '42' } })),
    );
    await expect(request('/api/auth/login', { method: 'POST', body: {}, schema: noContent })).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 42,
    });
  });

  it('parses cookies', () => {
    expect(readCookie('a', 'a=1; b=2')).toBe('1');
    expect(readCookie('b', 'a=1;b=x%20y')).toBe('x y');
    expect(readCookie('c', 'a=1')).toBeUndefined();
  });
});
