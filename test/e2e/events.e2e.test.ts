import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMessageSchema } from '../../src/contracts/system.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse-client.ts';

describe('event stream (SSE)', () => {
  let server: TestServer;
  let owner: ApiClient;
  const stream = (headers: Record<string, string> = {}) => openSse(`${server.url}/api/events`, { cookie: owner.cookie, ...headers });
  const sendTest = async (message: string) => {
    const res = await owner.request('POST', '/api/events/test', { message });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string; type: string };
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { NEXO_SSE_HEARTBEAT_SECONDS: '1' } });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('streams published events live with id, type and JSON data', async () => {
    const sse = await stream();
    expect(sse.res.headers.get('content-type')).toContain('text/event-stream');
    await sse.waitFor((f) => f.some((x) => x.retry !== undefined));
    const sent = await sendTest('live one');
    const frames = await sse.waitFor((f) => f.some((x) => x.id === sent.id));
    const frame = frames.find((x) => x.id === sent.id);
    expect(frame?.event).toBe('system.test');
    const data = eventMessageSchema.parse(JSON.parse(frame?.data ?? '{}'));
    expect(data).toMatchObject({ id: sent.id, type: 'system.test', orgId: expect.any(String), payload: { message: 'live one' } });
    sse.close();
  });

  it('sends heartbeats so proxies keep the stream open', async () => {
    const sse = await stream();
    await sse.waitFor((f) => f.filter((x) => x.comment?.startsWith('heartbeat')).length >= 2, 5000);
    sse.close();
  });

  it('replays what was missed after Last-Event-ID, then continues live', async () => {
    const first = await sendTest('before disconnect');
    const missed1 = await sendTest('missed 1');
    const missed2 = await sendTest('missed 2');
    const sse = await stream({ 'Last-Event-ID': first.id });
    await sse.waitFor((f) => f.filter((x) => x.id).length >= 2);
    const live = await sendTest('after reconnect');
    const frames = await sse.waitFor((f) => f.some((x) => x.id === live.id));
    expect(frames.filter((x) => x.id).map((x) => x.id)).toEqual([missed1.id, missed2.id, live.id]);
    sse.close();
  });

  it('rejects a malformed Last-Event-ID with 400', async () => {
    const res = await fetch(`${server.url}/api/events`, { headers: { cookie: owner.cookie, 'Last-Event-ID': 'not-a-number' } });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('VALIDATION');
  });
});
