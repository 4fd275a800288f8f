import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { syncedEmulatorStores, testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { type OpenAiServer, startOpenAiServer } from '../../../test/helpers/openai-server.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import { createLlmClient } from '../../lib/llm/index.ts';
import type { StoreLimits } from '../stores/index.ts';
import { getAgent, listAgentRuns, runAgent, updateAgent } from './index.ts';

const KEY = 'sk-agents-test';
const noScheduler = { schedule: async () => {}, unschedule: async () => {}, validateCron: () => [new Date()] };

/** LLM mode against a loopback OpenAI-compatible server: good answers become tasks on the rule pack's evidence; anything else falls back to the rules. */
describe('marketplace agents in LLM mode', () => {
  let t: TestDatabase;
  let emulator: Emulator;
  let limits: StoreLimits;
  let llm: OpenAiServer;
  let owner: Ctx;

  beforeAll(async () => {
    t = await createTestDatabase();
    emulator = createEmulator({ seed: 'agents-llm' });
    await emulator.listen(0, '127.0.0.1');
    limits = testStoreLimits();
    llm = await startOpenAiServer({ key: KEY });
    owner = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    await syncedEmulatorStores(owner, emulator, limits, ['shopee'], { products: 12, orders: 6 });
    await updateAgent(owner, noScheduler, 'marketplace-shopee', { settings: { mode: 'auto', dailyCap: 50 } });
  }, 120_000);
  afterAll(async () => {
    limits?.shutdown();
    await llm?.close();
    await emulator?.close();
    await t?.close();
  });

  const client = (model: string) =>
    createLlmClient(
      {
        baseUrl: llm.url,
        model,
        apiKey: KEY,
        timeoutMs: 1_000,
        prices: { inputPerMillion: 1, outputPerMillion: 2 },
        breaker: { failureThreshold: 5, resetTimeoutMs: 1_000 },
      },
      { log: silentLog },
    ) ?? undefined;
  const tasks = () =>
    selectRows<{ title: string; dedupe_key: string; metadata: { evidence: Record<string, unknown> } }>(
      t.database.db,
      sql`select title, dedupe_key, metadata from marketplace_tasks where org_id = ${owner.orgId} and created_by = 'marketplace-shopee' order by created_at, id`,
    );

  it('falls back to the rule pack when no model is configured, and says so', async () => {
    await updateAgent(owner, noScheduler, 'marketplace-shopee', { settings: { dailyCap: 2 } });
    const run = await runAgent({ db: t.database.db, log: silentLog }, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    expect(run).toMatchObject({ status: 'succeeded', tasksCreated: 2 });
    const [row] = await listAgentRuns(owner, 'marketplace-shopee', 1);
    expect(row).toMatchObject({ mode: 'rules', fallbackReason: expect.stringMatching(/no language model configured/), llm: null });
    await updateAgent(owner, noScheduler, 'marketplace-shopee', { settings: { dailyCap: 50 } });
  });

  it('turns a good answer into tasks on the findings it names (invented keys dropped), with usage recorded', async () => {
    const before = (await tasks()).length;
    llm.respond((request) => {
      const input = JSON.parse(request.body?.messages?.[1]?.content ?? '{}') as { findings: Array<{ key: string }> };
      const picked = input.findings.slice(2, 5);
      return {
        json: {
          tasks: [
            ...picked.map((f, i) => ({
              key: f.key,
              title: `LLM ${i}: fix this listing`,
              description: 'Rewritten by the model.',
              category: 'optimization',
              priority: 'high',
              estimatedHours: 2,
              impact: 90 - i,
            })),
            { key: 'invented:key', title: 'Made up', description: 'x', category: 'analysis', priority: 'low', estimatedHours: 1, impact: 99 },
          ],
        },
        usage: { prompt_tokens: 1200, completion_tokens: 300 },
      };
    });
    const run = await runAgent({ db: t.database.db, log: silentLog, llm: client('agents-good') }, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    llm.respond(null);
    expect(run).toMatchObject({ status: 'succeeded', proposalsFound: 3, tasksCreated: 3 });
    const created = (await tasks()).slice(before);
    expect(created.map((x) => x.title).sort()).toEqual(['LLM 0: fix this listing', 'LLM 1: fix this listing', 'LLM 2: fix this listing']);
    for (const task of created) {
      expect(task.dedupe_key).toMatch(/^shopee\./);
      expect(task.metadata.evidence).toMatchObject({ model: 'agents-good', prompt: 'agent-tasks.v1', storeId: expect.any(String) });
    }
    const [row] = await listAgentRuns(owner, 'marketplace-shopee', 1);
    expect(row).toMatchObject({ mode: 'llm', fallbackReason: null, llm: { promptTokens: 1200, completionTokens: 300 } });
    expect(row?.llm?.costUsd).toBeGreaterThan(0);
  });

  it('falls back to the rule pack on malformed answers (after one retry) and on a failing server', async () => {
    llm.script({ content: 'not json at all' }, { content: '{"tasks": "still wrong"}' });
    const invalid = await runAgent({ db: t.database.db, log: silentLog, llm: client('agents-bad') }, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    expect(invalid.status).toBe('succeeded');
    expect(invalid.tasksCreated).toBeGreaterThan(0);
    let [row] = await listAgentRuns(owner, 'marketplace-shopee', 1);
    expect(row).toMatchObject({ mode: 'rules', fallbackReason: expect.stringMatching(/^invalid/) });

    llm.script({ status: 500, error: 'boom' }, { status: 500, error: 'boom' }, { status: 500, error: 'boom' });
    const failing = await runAgent({ db: t.database.db, log: silentLog, llm: client('agents-down') }, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    expect(failing.status).toBe('succeeded');
    [row] = await listAgentRuns(owner, 'marketplace-shopee', 1);
    expect(row).toMatchObject({ mode: 'rules', fallbackReason: expect.stringMatching(/^error/) });
    const detail = await getAgent(owner, 'marketplace-shopee');
    expect(detail.settings.mode).toBe('auto');
  });
});
