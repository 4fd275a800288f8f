import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenAiServer, startOpenAiServer } from '../../../test/helpers/openai-server.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { createLlmClient, type LlmSettings } from './llm.client.ts';
import { loadPrompt } from './prompt.ts';

const KEY = 'sk-test-0123456789abcdef-secret';
const schema = z.object({ tasks: z.array(z.object({ title: z.string().min(3), priority: z.enum(['high', 'medium', 'low']) })) });
const good = { tasks: [{ title: 'Add a video to listing 42', priority: 'high' }] };
const prompt = { id: 'agent-tasks.v1', system: 'You propose marketplace tasks. Answer with a JSON object {"tasks": [...]}.' };
const input = { channel: 'shopee', listings: [{ id: 42, images: 2 }] };

function capture() {
  const lines: string[] = [];
  const log = createLogger(
    { level: 'trace', pretty: false },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { log, lines };
}

const settings = (url: string, over: Partial<LlmSettings> = {}): LlmSettings => ({
  baseUrl: url,
  model: 'test-model',
  apiKey: KEY,
  timeoutMs: 400,
  prices: { inputPerMillion: 0, outputPerMillion: 0 },
  breaker: { failureThreshold: 3, resetTimeoutMs: 300 },
  ...over,
});

describe('LLM client against a loopback OpenAI-compatible server', () => {
  let server: OpenAiServer;
  const { log, lines } = capture();
  const metrics = createMetrics();

  beforeAll(async () => {
    server = await startOpenAiServer({ key: KEY });
  });
  afterAll(async () => {
    await server?.close();
  });

  // Each test gets its own provider (model name), so breakers do not leak between tests.
  let n = 0;
  const client = (over: Partial<LlmSettings> = {}) => {
    n += 1;
    const c = createLlmClient(settings(server.url, { model: `test-model-${n}`, ...over }), { metrics, log });
    if (!c) throw new Error('expected a client');
    return c;
  };

  it('is null when LLM mode is not configured', () => {
    expect(createLlmClient(undefined)).toBeNull();
    expect(createLlmClient(null)).toBeNull();
  });

  it('returns a validated value, sending the system prompt, the input as JSON, JSON mode and the bearer key', async () => {
    const llm = client();
    server.script({ json: good, usage: { prompt_tokens: 120, completion_tokens: 30 } });
    const before = server.requests.length;
    const result = await llm.completeJson({ prompt, input, schema });
    expect(result).toEqual({ ok: true, value: good, usage: { calls: 1, promptTokens: 120, completionTokens: 30, costUsd: 0 }, model: llm.model });
    const sent = server.requests[before];
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body?.model).toBe(llm.model);
    expect(sent?.body?.response_format).toEqual({ type: 'json_object' });
    expect(sent?.body?.messages).toEqual([
      { role: 'system', content: prompt.system },
      { role: 'user', content: JSON.stringify(input) },
    ]);
  });

  it('accepts JSON inside ```json fences and prose', async () => {
    const llm = client();
    server.script({ content: `Here you go:\n\`\`\`json\n${JSON.stringify(good, null, 2)}\n\`\`\`\nGood luck!` });
    expect(await llm.completeJson({ prompt, input, schema })).toMatchObject({ ok: true, value: good });
  });

  it('retries once with the validation errors when the first answer is malformed, then succeeds', async () => {
    const llm = client({ prices: { inputPerMillion: 2.5, outputPerMillion: 10 } });
    server.script(
      { content: '{"tasks": [{"title": "Ad', usage: { prompt_tokens: 100, completion_tokens: 20 } },
      { json: good, usage: { prompt_tokens: 200, completion_tokens: 40 } },
    );
    const before = server.requests.length;
    const result = await llm.completeJson({ prompt, input, schema });
    expect(result).toMatchObject({ ok: true, value: good });
    // Usage sums both calls; cost = 300 * 2.5 / 1e6 + 60 * 10 / 1e6.
    expect(result.usage).toEqual({ calls: 2, promptTokens: 300, completionTokens: 60, costUsd: expect.closeTo(0.00135, 10) });
    const retry = server.requests[before + 1]?.body?.messages ?? [];
    expect(retry.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(retry[2]?.content).toBe('{"tasks": [{"title": "Ad');
    expect(retry[3]?.content).toMatch(/not valid JSON/);
  });

  it('sends the zod issues back when the answer does not fit the schema, and accepts the fixed answer', async () => {
    const llm = client();
    server.script({ json: { tasks: [{ title: 'x', priority: 'urgent' }] } }, { json: good });
    const before = server.requests.length;
    expect(await llm.completeJson({ prompt, input, schema })).toMatchObject({ ok: true, value: good, usage: { calls: 2 } });
    const feedback = server.requests[before + 1]?.body?.messages?.[3]?.content ?? '';
    expect(feedback).toContain('tasks.0.title');
    expect(feedback).toContain('tasks.0.priority');
  });

  it("answers 'invalid' after the retry is invalid too (two calls, no third)", async () => {
    const llm = client();
    server.script({ json: { tasks: 'none' } }, { content: 'I cannot help with that.' });
    const before = server.requests.length;
    const result = await llm.completeJson({ prompt, input, schema });
    expect(result).toMatchObject({ ok: false, reason: 'invalid', usage: { calls: 2, promptTokens: 20, completionTokens: 10 } });
    expect(server.requests.length - before).toBe(2);
    expect(server.pending()).toBe(0);
  });

  it("answers 'timeout' within the configured timeout for a slow model", async () => {
    const llm = client({ timeoutMs: 300 });
    server.script({ delayMs: 3000, json: good });
    const started = performance.now();
    const result = await llm.completeJson({ prompt, input, schema });
    const ms = performance.now() - started;
    expect(result).toMatchObject({ ok: false, reason: 'timeout', usage: { calls: 1, promptTokens: 0 } });
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(1500);
  });

  it("answers 'error' for 500 and 429 (one call each: the SDK's retries are off)", async () => {
    const llm = client();
    server.script({ status: 500, error: 'upstream exploded' }, { status: 429, error: 'Rate limit reached' });
    const before = server.requests.length;
    expect(await llm.completeJson({ prompt, input, schema })).toMatchObject({ ok: false, reason: 'error', detail: expect.stringContaining('500') });
    expect(await llm.completeJson({ prompt, input, schema })).toMatchObject({ ok: false, reason: 'error', detail: expect.stringContaining('429') });
    expect(server.requests.length - before).toBe(2);
  });

  it("answers 'error' for a wrong key (401) and for an unreachable server", async () => {
    expect(await client({ apiKey: 'sk-wrong' }).completeJson({ prompt, input, schema })).toMatchObject({
      ok: false,
      reason: 'error',
      detail: expect.stringContaining('401'),
    });
    const closed = await startOpenAiServer();
    await closed.close();
    expect(await client({ baseUrl: closed.url }).completeJson({ prompt, input, schema })).toMatchObject({ ok: false, reason: 'error' });
  });

  it('opens the breaker after N consecutive failures (no request reaches the server), then recovers through half-open', async () => {
    const llm = client({ breaker: { failureThreshold: 3, resetTimeoutMs: 300 } });
    server.script({ status: 500 }, { status: 503 }, { delayMs: 2000, json: good });
    for (let i = 0; i < 3; i++) expect((await llm.completeJson({ prompt, input, schema })).ok).toBe(false);
    expect(llm.status?.()).toMatchObject({ breaker: 'open' });
    const before = server.requests.length;
    const rejected = await llm.completeJson({ prompt, input, schema });
    expect(rejected).toMatchObject({ ok: false, reason: 'breaker_open', usage: { calls: 0 } });
    expect(server.requests.length).toBe(before);

    await new Promise((r) => setTimeout(r, 400));
    expect(llm.status?.()).toMatchObject({ breaker: 'half_open' });
    server.script({ json: good });
    expect(await llm.completeJson({ prompt, input, schema })).toMatchObject({ ok: true, value: good });
    expect(llm.status?.()).toMatchObject({ breaker: 'closed' });
    expect(server.requests.length).toBe(before + 1);
  });

  it('a failed half-open trial opens the breaker again; invalid answers never open it', async () => {
    const llm = client({ breaker: { failureThreshold: 2, resetTimeoutMs: 200 } });
    server.script({ status: 500 }, { status: 500 });
    await llm.completeJson({ prompt, input, schema });
    await llm.completeJson({ prompt, input, schema });
    expect(llm.status?.().breaker).toBe('open');
    await new Promise((r) => setTimeout(r, 300));
    server.script({ status: 500 });
    expect(await llm.completeJson({ prompt, input, schema })).toMatchObject({ reason: 'error' });
    expect(llm.status?.().breaker).toBe('open');

    const other = client({ breaker: { failureThreshold: 2, resetTimeoutMs: 200 } });
    server.script({ content: 'x' }, { content: 'y' }, { content: 'x' }, { content: 'y' });
    await other.completeJson({ prompt, input, schema });
    await other.completeJson({ prompt, input, schema });
    expect(other.status?.().breaker).toBe('closed');
  });

  it('the breaker is per provider: two clients for the same base URL + model share it', async () => {
    const a = client({ breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } });
    const b = createLlmClient(settings(server.url, { model: a.model }), { log });
    server.script({ status: 500 });
    await a.completeJson({ prompt, input, schema });
    expect(await b?.completeJson({ prompt, input, schema })).toMatchObject({ reason: 'breaker_open' });
    expect(b?.status?.()).toEqual({ model: a.model, baseUrlHost: new URL(server.url).host, breaker: 'open' });
  });

  it('asks again without response_format when the server refuses JSON mode, and then stops sending it', async () => {
    const plain = await startOpenAiServer({ key: KEY, jsonMode: false });
    try {
      const llm = createLlmClient(settings(plain.url, { model: 'plain-model' }), { log });
      plain.script({ json: good }, { json: good });
      expect(await llm?.completeJson({ prompt, input, schema })).toMatchObject({ ok: true, usage: { calls: 1 } });
      expect(await llm?.completeJson({ prompt, input, schema })).toMatchObject({ ok: true });
      expect(plain.requests.map((r) => [r.status, r.body?.response_format ?? null])).toEqual([
        [400, { type: 'json_object' }],
        [200, null],
        [200, null],
      ]);
    } finally {
      await plain.close();
    }
  });

  it("a caller's abort ends the call without counting against the breaker", async () => {
    const llm = client({ breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 }, timeoutMs: 5000 });
    server.script({ delayMs: 2000, json: good });
    const result = await llm.completeJson({ prompt, input, schema, signal: AbortSignal.timeout(100) });
    expect(result).toMatchObject({ ok: false, reason: 'error', detail: 'aborted by the caller' });
    expect(llm.status?.().breaker).toBe('closed');
  });

  it('counts outcomes and tokens in Prometheus metrics', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/nexo_llm_requests_total\{model="test-model-\d+",outcome="ok"\} 1/);
    expect(text).toMatch(/nexo_llm_requests_total\{model="test-model-\d+",outcome="breaker_open"\} 1/);
    expect(text).toMatch(/nexo_llm_tokens_total\{model="test-model-\d+",kind="prompt"\} 120/);
    expect(text).toMatch(/nexo_llm_cost_usd_total\{model="test-model-\d+"\} 0.00135/);
  });

  it('never writes the API key to the logs (client logs at trace level, and a logged config is redacted)', () => {
    log.info({ config: { llm: settings(server.url) } }, 'config');
    log.info({ llm: settings(server.url) }, 'llm settings');
    const all = lines.join('');
    expect(all).toContain('LLM call failed');
    expect(all).toContain('LLM circuit breaker open');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('0123456789abcdef');
  });
});

describe('loadPrompt', () => {
  it('reads a versioned prompt file into { id, system }', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexo-prompt-'));
    writeFileSync(join(dir, 'agent-tasks.v2.md'), '\nYou are the Shopee agent.\n');
    writeFileSync(join(dir, 'unversioned.md'), 'text');
    expect(loadPrompt(pathToFileURL(join(dir, 'agent-tasks.v2.md')))).toEqual({ id: 'agent-tasks.v2', system: 'You are the Shopee agent.' });
    expect(loadPrompt(join(dir, 'agent-tasks.v2.md')).id).toBe('agent-tasks.v2');
    expect(() => loadPrompt(join(dir, 'unversioned.md'))).toThrow(/v<version>/);
    expect(() => loadPrompt(join(dir, 'missing.v1.md'))).toThrow();
  });
});
