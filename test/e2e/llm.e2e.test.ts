import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemInfoSchema } from '../../src/contracts/system.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { type OpenAiServer, startOpenAiServer } from '../helpers/openai-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const KEY = 'sk-e2e-llm-key-must-never-show-4f1c9a';

describe('LLM mode configured through NEXO_LLM_* (real nexo serve, loopback OpenAI-compatible server)', () => {
  let llm: OpenAiServer;
  let server: TestServer;
  let owner: ApiClient;

  beforeAll(async () => {
    llm = await startOpenAiServer({ key: KEY });
    server = await startTestServer({
      env: { NEXO_LLM_BASE_URL: llm.url, NEXO_LLM_MODEL: 'test-model', NEXO_LLM_API_KEY: KEY, NEXO_LLM_TIMEOUT_MS: '5000', LOG_LEVEL: 'debug' },
    });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await llm?.close();
  });

  it('GET /api/system/info shows the model, the base URL host and the breaker, never the key; the logs never hold the key', async () => {
    const res = await owner.json('GET', '/api/system/info');
    expect(res.status).toBe(200);
    const info = systemInfoSchema.parse(res.body);
    expect(info.llm).toEqual({ configured: true, model: 'test-model', baseUrlHost: new URL(llm.url).host, breaker: 'closed' });
    expect(JSON.stringify(res.body)).not.toContain(KEY);
    expect(server.output()).toContain('LLM mode on');
    expect(server.output()).not.toContain(KEY);
  });
});
