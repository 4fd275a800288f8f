import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { type OpenAiServer, startOpenAiServer } from '../../../test/helpers/openai-server.ts';
import { planWatchdogOptions } from '../../../test/helpers/plan-watchdog.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { jobCatalog } from '../../contracts/jobs.ts';
import { listTasksQuerySchema } from '../../contracts/tasks.ts';
import type { Tx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { createLlmClient, type LlmClient } from '../../lib/llm/index.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';
import { listStuckPatterns, runWatchdogTick } from '../operations/index.ts';
import { createTask, listTasks } from '../tasks/index.ts';
import {
  analyzePlan,
  channelFacts,
  createPlanTasks,
  decidePlan,
  getPlan,
  type PlanEnqueue,
  type PlanJobDeps,
  phase1Tasks,
  recoverPlan,
  uploadPlan,
} from './index.ts';
import { masterAgentCtx } from './plan-jobs.service.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/plans/${name}`, import.meta.url));
const usage = { prompt_tokens: 100, completion_tokens: 50 };

describe('analysis plans: pipeline, seed 002 failure points A-F, crash safety and the watchdog', () => {
  let t: TestDatabase;
  let owner: Ctx;
  let queue: JobQueue<typeof jobCatalog>;
  /** The model, outside Nexo: a loopback OpenAI-compatible server answering what each test scripts. */
  let server: OpenAiServer;
  let models = 0;
  /** Nexo's real LLM client against it; one provider (model name) per test so breakers do not leak. */
  const model = (): LlmClient => {
    models += 1;
    return createLlmClient(
      {
        baseUrl: server.url,
        model: `plan-model-${models}`,
        apiKey: 'k',
        timeoutMs: 300,
        prices: { inputPerMillion: 0, outputPerMillion: 0 },
        breaker: { failureThreshold: 5, resetTimeoutMs: 1000 },
      },
      { log: silentLog },
    ) as LlmClient;
  };
  const deps: PlanJobDeps = { log: silentLog };
  const sent: Array<{ name: string; planId: string }> = [];
  /** Jobs "sent" in the plan's transaction; the real queue is exercised by the HTTP test and the watchdog test below. */
  const enqueue: PlanEnqueue = async (_tx: Tx, name, payload) => {
    sent.push({ name, planId: payload.planId });
    return `job-${sent.length}`;
  };
  /** The owner's ctx at the current time (service timestamps come from ctx.now). */
  const fresh = (): Ctx => ({ ...owner, now: new Date() });
  const job = (name: string, attempt = 1) => ({ id: `run-${name}-${attempt}`, name, attempt });

  const upload = (name = 'report.csv', channels: Array<'amazon' | 'shopee' | 'mercadolivre'> = ['amazon']) =>
    uploadPlan(fresh(), enqueue, { fileName: name, mimeType: 'text/csv', content: fixture(name), channels });

  const readyPlan = async (llm?: LlmClient, channels?: Array<'amazon' | 'shopee' | 'mercadolivre'>) => {
    const { planId } = await upload('report.csv', channels);
    await analyzePlan(t.database.db, { ...deps, ...(llm ? { llm } : {}) }, { orgId: owner.orgId, planId }, job('plans.analyze'));
    return planId;
  };

  const planTasks = async (planId: string) =>
    (await listTasks(owner, listTasksQuerySchema.parse({ limit: '100' }))).tasks.filter((task) => task.metadata?.planId === planId);

  beforeAll(async () => {
    t = await createTestDatabase();
    owner = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog, pollingSeconds: 0.5 });
    await queue.start();
    server = await startOpenAiServer({ key: 'k' });
  });
  afterAll(async () => {
    await server?.close();
    await queue?.stop(1000);
    await t?.close();
  });

  it('rules by default: uploaded -> analyzing -> ready, every change in the history, Phase 1 from the report', async () => {
    const planId = await readyPlan();
    const plan = await getPlan(owner, planId);
    expect(plan).toMatchObject({ status: 'ready', mode: 'rules', fallbackReason: null, report: { kind: 'table', rows: 5 } });
    expect(plan.history.filter((h) => h.queueName !== 'plans.analyze' || h.status !== 'queued').map((h) => h.status)).toEqual([
      'uploaded',
      'analyzing',
      'ready',
    ]);
    const phase1 = plan.planData?.phases.find((p) => p.number === 1);
    expect(phase1?.tasks[0]).toMatch(/^Restock 1 selling item\(s\) that are out of stock: .*SKU-1/);
    expect(plan.planData?.opportunities.some((o) => o.priority === 'high' && /convert below 1%/.test(o.title))).toBe(true);
    // A replayed analysis of a ready plan does nothing.
    expect(await analyzePlan(t.database.db, deps, { orgId: owner.orgId, planId }, job('plans.analyze', 2))).toEqual({ status: 'skipped' });
  });

  it("adds the org's synced data per channel: out-of-stock listings and a high cancellation rate on its stores", async () => {
    const other = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    const store = randomUUID();
    const product = randomUUID();
    await t.database.execute(`insert into stores (id, org_id, platform, name) values ($1, $2, 'tiktokshop', 'TT main')`, [store, other.orgId]);
    await t.database.execute(
      `insert into products (id, org_id, title, status, origin_store_id, origin_channel_id) values ($1, $2, 'Lamp', 'active', $3, 'p1')`,
      [product, other.orgId, store],
    );
    for (let i = 0; i < 4; i++) {
      const variant = randomUUID();
      await t.database.execute(
        `insert into product_variants (id, org_id, product_id, sku, title, price_amount, currency) values ($1, $2, $3, $4, 'v', 1000, 'BRL')`,
        [variant, other.orgId, product, `TT-${i}`],
      );
      await t.database.execute(
        `insert into listings (id, org_id, store_id, variant_id, channel_listing_id, channel_variant_id, status, title, price_amount, currency, synced_at)
         values ($1, $2, $3, $4, $5, $5, 'published', 'Lamp', 1000, 'BRL', now())`,
        [randomUUID(), other.orgId, store, variant, `l${i}`],
      );
      await t.database.execute(`insert into inventory_levels (org_id, store_id, variant_id, available, synced_at) values ($1, $2, $3, $4, now())`, [
        other.orgId,
        store,
        variant,
        i < 3 ? 0 : 5,
      ]);
    }
    for (let i = 0; i < 20; i++)
      await t.database.execute(
        `insert into orders (id, org_id, store_id, channel_order_id, number, currency, subtotal_amount, total_amount, financial_status, fulfillment_status, cancelled, channel_created_at, channel_updated_at, synced_at)
         values ($1, $2, $3, $4, $4, 'BRL', 1000, 1000, 'paid', 'fulfilled', $5, now() - interval '2 days', now(), now())`,
        [randomUUID(), other.orgId, store, `o${i}`, i < 4],
      );
    expect(await channelFacts(t.database.db, other.orgId, ['tiktokshop', 'amazon'], new Date())).toEqual([
      { channel: 'tiktokshop', stores: 1, listings: 4, outOfStockListings: 3, orders30d: 20, cancelled30d: 4 },
    ]);
    // The org's own data only: the owner's org has no stores.
    expect(await channelFacts(t.database.db, owner.orgId, ['tiktokshop'], new Date())).toEqual([]);
    const { planId } = await uploadPlan({ ...other, now: new Date() }, enqueue, {
      fileName: 'notes.txt',
      mimeType: 'text/plain',
      content: fixture('report.txt'),
      channels: ['tiktokshop'],
    });
    await analyzePlan(t.database.db, deps, { orgId: other.orgId, planId }, job('plans.analyze'));
    const plan = await getPlan(other, planId);
    expect(plan.planData?.opportunities.slice(0, 2).map((o) => o.title)).toEqual([
      'Restock 3 out-of-stock listing(s) on tiktokshop',
      'Bring the cancellation rate on tiktokshop under 5%',
    ]);
    expect(plan.planData?.summary).toContain('tiktokshop: 4 listing(s), 3 out of stock, 20 order(s) in 30 days');
  });

  it('A: a model answer whose phases lack `number` is numbered by order', async () => {
    server.script({
      usage,
      json: {
        summary: 'From the model',
        opportunities: [{ title: 'Fix titles', what: 'Rewrite 3 titles', why: 'short', channel: 'amazon', priority: 'alta', impact: '+10%' }],
        phases: [
          { name: 'Quick wins', weeks: 'Semanas 1-4', tasks: ['Rewrite the SKU-2 title', { title: 'Restock SKU-1', description: 'order 50 units' }] },
          { name: 'Optimize', tasks: ['Improve photos'] },
        ],
      },
    });
    const planId = await readyPlan(model());
    const plan = await getPlan(owner, planId);
    expect(plan).toMatchObject({ status: 'ready', mode: 'llm', usage: { calls: 1, promptTokens: 100, completionTokens: 50, prompt: 'analysis-plan.v1' } });
    // The prompt file is the system message; the report and channels travel as the user message's JSON.
    const sent = server.requests.at(-1)?.body?.messages ?? [];
    expect(sent[0]?.content).toContain('You are Nexo, the master marketplace agent');
    expect(sent.at(-1)?.content).toContain('SKU-1');
    expect(plan.planData?.phases.map((p) => [p.number, p.name])).toEqual([
      [1, 'Quick wins'],
      [2, 'Optimize'],
    ]);
    expect(plan.planData?.opportunities[0]?.priority).toBe('high');
    expect(plan.history.find((h) => h.status === 'ready')?.details.repairs).toEqual(expect.arrayContaining([expect.stringMatching(/no valid number/)]));
    expect(phase1Tasks({ ...plan, planData: plan.planData }).map((x) => x.input.title)).toEqual(['Rewrite the SKU-2 title', 'Restock SKU-1']);
  });

  it('B: no Phase 1 in the answer -> generated from the top high-priority opportunities, and its tasks are created', async () => {
    server.script({
      usage,
      json: {
        summary: 'No phase one',
        opportunities: [
          { title: 'Low one', what: 'later', channel: 'shopee', priority: 'baixa' },
          { title: 'Restock best sellers', what: 'Order SKU-1', why: 'out of stock', channel: 'shopee', priority: 'high', impact: '48 units' },
          { title: 'Fix conversion', what: 'New photos for SKU-4', channel: 'shopee', priority: 'alta' },
        ],
        phases: [{ number: 2, name: 'Phase 2', tasks: ['Scale ads'] }],
      },
    });
    const planId = await readyPlan(model(), ['shopee']);
    const plan = await getPlan(owner, planId);
    expect(plan.planData?.phases.map((p) => p.number)).toEqual([1, 2]);
    // High priority first (seed 002 2.3.3 takes the "alta" ones); the low one stays out of Phase 1.
    expect(plan.planData?.phases[0]?.tasks).toEqual(['Restock best sellers: Order SKU-1', 'Fix conversion: New photos for SKU-4']);
    await decidePlan(fresh(), enqueue, planId, { action: 'approve' });
    const out = await createPlanTasks(t.database.db, deps, { orgId: owner.orgId, planId }, job('plans.create-tasks'));
    expect(out.status).toBe('tasks_created');
    const tasks = await planTasks(planId);
    expect(tasks.map((x) => [x.title, x.marketplace, x.status, x.createdBy]).sort()).toEqual(
      [
        ['Fix conversion', 'shopee', 'awaiting_approval', 'marketplace-master'],
        ['Restock best sellers', 'shopee', 'awaiting_approval', 'marketplace-master'],
      ].sort(),
    );
    expect((await getPlan(owner, planId)).taskIds.sort()).toEqual(out.taskIds.sort());
  });

  it('C/F: a model error or timeout falls back to the rules, the reason and usage recorded on the plan', async () => {
    const cases = [
      { reason: 'error', answer: { status: 500, error: 'upstream exploded' } },
      { reason: 'timeout', answer: { delayMs: 1500, json: { summary: 'too late' } } },
    ] as const;
    for (const { reason, answer } of cases) {
      server.script(answer);
      const planId = await readyPlan(model());
      const plan = await getPlan(owner, planId);
      expect(plan).toMatchObject({ status: 'ready', mode: 'rules' });
      expect(plan.fallbackReason).toMatch(new RegExp(`^${reason}: `));
      expect(plan.planData?.phases[0]?.number).toBe(1);
      expect(plan.planData?.phases[0]?.tasks[0]).toMatch(/^Restock 1 selling item/);
      expect(plan.history.find((h) => h.status === 'ready')?.details).toMatchObject({
        mode: 'rules',
        fallbackReason: expect.stringMatching(new RegExp(`^${reason}`)),
      });
    }
    // Garbage twice (the client retries once with the validation errors): invalid -> the rules.
    server.script({ content: 'Sure! Here is your plan: phases...' }, { content: '{"phases": "not a list"' });
    const planId = await readyPlan(model());
    expect(await getPlan(owner, planId)).toMatchObject({ status: 'ready', mode: 'rules', fallbackReason: expect.stringMatching(/^invalid: /) });
    expect(server.pending()).toBe(0);
  });

  it('E (approval retried): approving twice enqueues one job and ends with one set of tasks', async () => {
    const planId = await readyPlan();
    const before = sent.length;
    const first = await decidePlan(fresh(), enqueue, planId, { action: 'approve' });
    const second = await decidePlan(fresh(), enqueue, planId, { action: 'approve' });
    expect(first).toMatchObject({ status: 'approved', jobId: expect.any(String) });
    expect(second).toMatchObject({ status: 'approved', jobId: null });
    expect(sent.slice(before).filter((s) => s.planId === planId)).toEqual([{ name: 'plans.create-tasks', planId }]);
    await createPlanTasks(t.database.db, deps, { orgId: owner.orgId, planId }, job('plans.create-tasks'));
    // The job replayed (a retry after its result was lost) and a third approval: still one set.
    await createPlanTasks(t.database.db, deps, { orgId: owner.orgId, planId }, job('plans.create-tasks', 2));
    expect((await decidePlan(fresh(), enqueue, planId, { action: 'approve' })).status).toBe('tasks_created');
    const tasks = await planTasks(planId);
    expect(tasks.length).toBe(
      phase1Tasks({ id: planId, fileName: 'report.csv', channels: ['amazon'], planData: (await getPlan(owner, planId)).planData }).length,
    );
    expect(new Set(tasks.map((x) => x.title)).size).toBe(tasks.length);
  });

  it('worker crash during task creation: tasks created before the crash are found, the rest created, each exactly once', async () => {
    const planId = await readyPlan(undefined, ['mercadolivre']);
    await decidePlan(fresh(), enqueue, planId, { action: 'approve' });
    const plan = await getPlan(owner, planId);
    const wanted = phase1Tasks({ id: planId, fileName: plan.fileName, channels: plan.channels, planData: plan.planData });
    expect(wanted.length).toBeGreaterThanOrEqual(3);
    // The first attempt created two tasks through the task service and died before recording them.
    for (const w of wanted.slice(0, 2)) await createTask(masterAgentCtx(t.database.db, owner.orgId, silentLog, new Date()), w.input);
    // The retry and a duplicate delivery of the same job run at once.
    const [a, b] = await Promise.all([
      createPlanTasks(t.database.db, deps, { orgId: owner.orgId, planId }, job('plans.create-tasks', 2)),
      createPlanTasks(t.database.db, deps, { orgId: owner.orgId, planId }, job('plans.create-tasks', 2)),
    ]);
    expect([a.status, b.status]).toContain('tasks_created');
    const tasks = await planTasks(planId);
    expect(tasks.map((x) => x.title).sort()).toEqual(wanted.map((w) => w.input.title).sort());
    const final = await getPlan(owner, planId);
    expect(final.status).toBe('tasks_created');
    expect(final.taskIds.sort()).toEqual(tasks.map((x) => x.id).sort());
    expect(final.tasks.every((x) => x.status === 'awaiting_approval')).toBe(true);
  });

  it('reject needs a ready plan; a rejected plan cannot be approved', async () => {
    const planId = await readyPlan();
    expect((await decidePlan(fresh(), enqueue, planId, { action: 'reject', reason: 'Not now' })).status).toBe('rejected');
    await expect(decidePlan(fresh(), enqueue, planId, { action: 'approve' })).rejects.toMatchObject({ code: 'CONFLICT', details: { status: 'rejected' } });
    expect((await getPlan(owner, planId)).rejectionReason).toBe('Not now');
  });

  it('D/E (never stuck): the watchdog finds an approved plan without a Phase 1 job and re-enqueues it; the real job creates the tasks', async () => {
    await queue.work('plans.create-tasks', (payload, j) => createPlanTasks(t.database.db, deps, payload, { id: j.id, name: j.name, attempt: j.attempt }));
    const planId = await readyPlan(undefined, ['shopee']);
    // Approved, but its job was lost (the fake enqueue sent nothing): seed 002's stall.
    await decidePlan(fresh(), enqueue, planId, { action: 'approve' });
    const options = planWatchdogOptions(t.database.db, queue);
    const approvedAt = Date.now();
    // Within the grace period nothing is reported.
    const early = await runWatchdogTick(t.database.db, options, new Date());
    expect((await listStuckPatterns(owner, { status: 'all', limit: 50 })).filter((p) => early.opened.includes(p.id) && p.subject === planId)).toEqual([]);
    const tick = await runWatchdogTick(t.database.db, options, new Date(approvedAt + 4000));
    expect(tick.opened.length).toBe(1);
    expect(tick.recovered).toEqual([{ patternId: tick.opened[0], outcome: 'succeeded' }]);
    const deadline = Date.now() + 20_000;
    while ((await getPlan(owner, planId)).status !== 'tasks_created' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const plan = await getPlan(owner, planId);
    expect(plan.status).toBe('tasks_created');
    expect(plan.history.some((h) => h.status === 'queued' && h.details.by === 'watchdog')).toBe(true);
    expect(plan.taskIds.length).toBeGreaterThan(0);
    expect((await planTasks(planId)).length).toBe(plan.taskIds.length);
    const patterns = await listStuckPatterns(owner, { status: 'all', limit: 50 });
    expect(patterns.find((p) => p.id === tick.opened[0])).toMatchObject({ type: 'plan_without_phase1', subject: planId, status: 'resolved' });
  });

  it('a plan stuck in analyzing is found by the watchdog and re-enqueued, and failed with its reason once its attempts are used', async () => {
    const { planId } = await upload('report.txt');
    // An analysis attempt started and its worker died (no job left).
    await t.database.execute(
      `update analysis_plans set status = 'analyzing', analysis_attempts = 1, status_changed_at = now() - interval '30 seconds' where id = $1`,
      [planId],
    );
    const options = planWatchdogOptions(t.database.db, queue);
    const tick = await runWatchdogTick(t.database.db, options, new Date());
    const patterns = await listStuckPatterns(owner, { status: 'all', limit: 50 });
    const found = patterns.find((p) => p.type === 'plan_analysis_stuck' && p.subject === planId);
    expect(found).toMatchObject({ status: 'resolved', details: { attempts: 1, job_live: false } });
    expect(tick.recovered).toContainEqual({ patternId: found?.id, outcome: 'succeeded' });
    expect((await getPlan(owner, planId)).history.at(-1)).toMatchObject({ queueName: 'plans.analyze', status: 'queued', details: { by: 'watchdog' } });
    // Its job is queued now (no worker for plans.analyze in this test): not stuck any more.
    expect((await runWatchdogTick(t.database.db, options, new Date())).opened).toEqual([]);

    const collect: PlanEnqueue = async () => 'job-x';
    await t.database.execute(`update analysis_plans set analysis_attempts = 3 where id = $1`, [planId]);
    expect(await recoverPlan(t.database.db, collect, owner.orgId, planId)).toEqual({ action: 'failed_plan' });
    const plan = await getPlan(owner, planId);
    expect(plan).toMatchObject({ status: 'failed', failureReason: 'analysis did not finish after 3 attempt(s) (watchdog)' });
    expect(plan.history.at(-1)).toMatchObject({ status: 'failed', fromStatus: 'analyzing' });
  });
});
