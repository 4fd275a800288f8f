import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livenessSchema, readinessSchema, systemInfoSchema } from '../../src/contracts/system.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('HTTP foundation', () => {
  let server: TestServer;
  let owner: ApiClient;
  const url = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    server = await startTestServer({ env: { NEXO_BODY_LIMIT_BYTES: '2048' } });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('GET /healthz says the process is alive', async () => {
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(livenessSchema.parse(await res.json()).status).toBe('ok');
  });

  it('GET /readyz checks the database and the job engine', async () => {
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    const body = readinessSchema.parse(await res.json());
    expect(body).toMatchObject({ status: 'ready', checks: { database: { ok: true }, queue: { ok: true } } });
  });

  it('GET /api/system/info describes the process', async () => {
    const info = systemInfoSchema.parse((await owner.json('GET', '/api/system/info')).body);
    expect(info.name).toBe('nexo');
    expect(info.database).toBe(server.databaseUrl ? 'postgres' : 'pglite');
    expect(info.mode).toBe(server.databaseUrl ? 'server' : 'embedded');
    expect(info.node).toBe(process.version);
    expect(info.llm).toEqual({ configured: false, model: null, baseUrlHost: null, breaker: null });
  });

  it('echoes a sane X-Request-Id and puts it in error bodies', async () => {
    const res = await fetch(url('/api/does-not-exist'), { headers: { 'x-request-id': 'e2e-trace-1' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('e2e-trace-1');
    expect(await res.json()).toEqual({ error: 'Route GET /api/does-not-exist not found', code: 'NOT_FOUND', requestId: 'e2e-trace-1' });
  });

  const postRaw = (path: string, body: string) =>
    fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', cookie: owner.cookie, 'x-csrf-token': owner.csrf }, body });

  it('answers malformed JSON with 400 VALIDATION and unknown fields with a named 400', async () => {
    const malformed = await postRaw('/api/events/test', '{"message":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'VALIDATION', error: 'Malformed JSON in request body' });
    const unknown = await postRaw('/api/events/test', '{"message":"x","orgId":"evil"}');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatch(/orgId/);
  });

  it('refuses bodies over the configured limit with 413', async () => {
    const res = await postRaw('/api/events/test', JSON.stringify({ message: 'x'.repeat(4000) }));
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sends security headers and no CORS headers unless configured', async () => {
    const res = await fetch(url('/healthz'), { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves OpenAPI 3.1 generated from the route schemas, and the docs page', async () => {
    const spec = await (await fetch(url('/openapi.json'))).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/api/system/info', '/api/events', '/api/events/test']));
    expect(spec.paths['/api/events/test'].post.requestBody.content['application/json'].schema.properties.message).toBeDefined();
    const docs = await fetch(url('/docs/'));
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('<html');
  });

  it('exposes Prometheus metrics with the HTTP duration histogram by route and status', async () => {
    await owner.request('GET', '/api/system/info');
    const text = await (await fetch(url('/metrics'))).text();
    expect(text).toMatch(/nexo_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/system\/info",status="200"\}/);
    expect(text).toContain('nexo_process_resident_memory_bytes');
    expect(text).toContain('nexo_jobs_enqueued_total');
  });

  it('serves the dashboard at / with an SPA fallback, but never for API paths', async () => {
    const root = await fetch(url('/'), { headers: { accept: 'text/html' } });
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root">');
    const deep = await fetch(url('/tasks/some/deep/link'), { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
    const api = await fetch(url('/api/nothing-here'), { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
  });
});
