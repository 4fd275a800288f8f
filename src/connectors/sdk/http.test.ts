import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from './connector-error.ts';
import { createHttpClient, paginate, parseLinkHeader, parseRetryAfter, type RateLimitSignal, withRetry } from './http.ts';

/** A real loopback server answering by path, so the helper is tested over HTTP, not against a fake fetch. */
describe('connector HTTP helper', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      };
      if (url.pathname === '/ok')
        return send(200, { echo: url.searchParams.get('q'), auth: request.headers.authorization ?? null }, { 'x-shopify-shop-api-call-limit': '32/40' });
      if (url.pathname === '/slow') return void setTimeout(() => send(200, {}), 500);
      if (url.pathname === '/429') return send(429, { errors: 'slow down' }, { 'retry-after': '1.5' });
      if (url.pathname === '/401') return send(401, { errors: 'bad token' });
      if (url.pathname === '/404') return send(404, {});
      if (url.pathname === '/422') return send(422, { errors: { title: ['is too long'] } });
      if (url.pathname === '/503') return send(503, {});
      if (url.pathname === '/amazon') return send(200, {}, { 'x-amzn-ratelimit-limit': '0.5' });
      if (url.pathname === '/limits') return send(200, {}, { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '3' });
      send(500, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  const client = (signals: RateLimitSignal[] = []) =>
    createHttpClient({ baseUrl: `${base}/`, channel: 'Test', headers: { authorization: 'Bearer t' }, timeoutMs: 200, signals: (s) => signals.push(s) });
  const failure = async (path: string, signals: RateLimitSignal[] = []) => {
    try {
      await client(signals).request({ path });
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectorError);
      return error as ConnectorError;
    }
    throw new Error('expected a failure');
  };

  it('sends JSON with the default headers and reports call-limit headers', async () => {
    const signals: RateLimitSignal[] = [];
    const res = await client(signals).request<{ echo: string; auth: string }>({ path: '/ok', query: { q: 'a b', skip: undefined } });
    expect(res.body).toEqual({ echo: 'a b', auth: 'Bearer t' });
    expect(signals).toEqual([{ kind: 'calls', used: 32, limit: 40, resetMs: null }]);
    const generic: RateLimitSignal[] = [];
    await client(generic).request({ path: '/limits' });
    expect(generic).toEqual([{ kind: 'calls', used: 93, limit: 100, resetMs: 3000 }]);
    const amazon: RateLimitSignal[] = [];
    await client(amazon).request({ path: '/amazon' });
    expect(amazon).toEqual([{ kind: 'rate', requestsPerSecond: 0.5, source: 'x-amzn-RateLimit-Limit' }]);
  });

  it('maps statuses to ConnectorError kinds, with Retry-After surfaced', async () => {
    const signals: RateLimitSignal[] = [];
    expect(await failure('/429', signals)).toMatchObject({ kind: 'rate_limited', retryable: true, upstreamStatus: 429, retryAfter: 1500 });
    expect(signals).toEqual([{ kind: 'retry_after', status: 429, retryAfterMs: 1500 }]);
    expect(await failure('/401')).toMatchObject({ kind: 'auth', retryable: false, upstreamStatus: 401 });
    expect(await failure('/404')).toMatchObject({ kind: 'not_found', retryable: false });
    expect(await failure('/422')).toMatchObject({ kind: 'rejected', retryable: false, upstreamStatus: 422 });
    expect(await failure('/503')).toMatchObject({ kind: 'upstream', retryable: true, upstreamStatus: 503 });
    expect(await failure('/slow')).toMatchObject({ kind: 'upstream', retryable: true, upstreamStatus: null });
    expect((await failure('/slow')).message).toMatch(/did not answer within 200 ms/);
  });

  it('reports an unreachable channel as a retryable network error', async () => {
    const closed = createHttpClient({ baseUrl: 'http://127.0.0.1:1', channel: 'Test' });
    await expect(closed.request({ path: '/' })).rejects.toMatchObject({ kind: 'network', retryable: true });
  });

  it('parses Retry-After seconds and dates, and Link headers', () => {
    expect(parseRetryAfter('2.0')).toBe(2000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseLinkHeader('<https://s/products.json?page_info=abc>; rel="next", <https://s/products.json?page_info=xyz>; rel="previous"')).toEqual({
      next: 'https://s/products.json?page_info=abc',
      previous: 'https://s/products.json?page_info=xyz',
    });
  });

  it('retries retryable errors with backoff, honouring retryAfter, and stops on the others', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new ConnectorError('busy', { kind: 'rate_limited', retryAfter: 700 });
        if (calls === 2) throw new ConnectorError('down', { kind: 'upstream' });
        return 'done';
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5, baseDelayMs: 100 },
    );
    expect(result).toBe('done');
    expect(waits).toEqual([700, 100]);
    let rejected = 0;
    await expect(
      withRetry(async () => {
        rejected++;
        throw new ConnectorError('bad input', { kind: 'rejected' });
      }),
    ).rejects.toMatchObject({ kind: 'rejected' });
    expect(rejected).toBe(1);
    let attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts++;
          throw new ConnectorError('down', { kind: 'upstream' });
        },
        { attempts: 3, sleep: async () => {} },
      ),
    ).rejects.toMatchObject({ kind: 'upstream' });
    expect(attempts).toBe(3);
  });

  it('paginates until the cursor runs out', async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
      start: { items: [1, 2], nextCursor: 'b' },
      b: { items: [3], nextCursor: 'c' },
      c: { items: [], nextCursor: null },
    };
    const seen: number[] = [];
    for await (const item of paginate(async (cursor) => pages[cursor ?? 'start'] as { items: number[]; nextCursor: string | null })) seen.push(item);
    expect(seen).toEqual([1, 2, 3]);
  });
});
