import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, signIn } from '../../../test/helpers/api-client.ts';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { startInProcessApp } from '../../../test/helpers/in-process-app.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { jobCatalog } from '../../contracts/jobs.ts';
import type { AnalysisPlan } from '../../contracts/plans.ts';
import { createJobRunsObserver } from '../../modules/operations/index.ts';
import { analyzePlan, createPlanTasks } from '../../modules/plans/index.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/plans/${name}`, import.meta.url));

async function tinyXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Report');
  sheet.addRow(['SKU', 'Título', 'Preço', 'Estoque', 'Vendas', 'Visitas', 'Conversão', 'Avaliação']);
  sheet.addRow(['ML-1', 'Fone bluetooth', 99.9, 0, 30, 2500, '0,8%', 4.5]);
  sheet.addRow(['ML-2', 'Capa de celular resistente a quedas com alça', 29.9, 50, 0, 100, '0%', 3.2]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The Plans API over HTTP against a real app, queue (plan jobs registered as main/ does) and database:
 * upload of each file type, every rejection leaving no plan behind, approval to Phase 1 tasks, org isolation.
 */
describe('analysis plans API', () => {
  let t: TestDatabase;
  let queue: JobQueue<typeof jobCatalog>;
  let app: Awaited<ReturnType<typeof startInProcessApp>>['app'];
  let url: string;
  let ownerA: ApiClient;
  let viewerA: ApiClient;
  let ownerB: ApiClient;

  const upload = async (client: ApiClient, file: { name: string; type?: string; content: Buffer } | null, channels: string[] = ['amazon']) => {
    const form = new FormData();
    for (const c of channels) form.append('channels', c);
    if (file) form.append('file', new Blob([new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }), file.name);
    const res = await fetch(`${url}/api/marketplace/analysis/upload`, {
      method: 'POST',
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrf, origin: url },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { details?: { reason?: string } } };
  };
  const planCount = async () => Number((await t.database.execute<{ n: number }>('select count(*)::int as n from analysis_plans'))[0]?.n);

  const waitFor = async (client: ApiClient, id: string, statuses: string[]) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { body } = await client.json<AnalysisPlan>('GET', `/api/marketplace/analysis/${id}`);
      if (statuses.includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`plan ${id} is ${body.status}, wanted ${statuses.join('/')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    const a = await seedOrg(t.database, ['owner', 'viewer']);
    const b = await seedOrg(t.database, ['owner']);
    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog, observer: createJobRunsObserver(t.database), pollingSeconds: 0.5 });
    await queue.start();
    // The handlers as main/ registers them (http may not import jobs/).
    const deps = { log: silentLog };
    await queue.work('plans.analyze', (p, j) => analyzePlan(t.database.db, deps, p, { id: j.id, name: j.name, attempt: j.attempt }));
    await queue.work('plans.create-tasks', (p, j) => createPlanTasks(t.database.db, deps, p, { id: j.id, name: j.name, attempt: j.attempt }));
    ({ app, url } = await startInProcessApp(t, { queue }));
    ownerA = await signIn(url, a.members.owner?.email, a.members.owner?.password);
    viewerA = await signIn(url, a.members.viewer?.email, a.members.viewer?.password);
    ownerB = await signIn(url, b.members.owner?.email, b.members.owner?.password);
  });
  afterAll(async () => {
    await app?.close();
    await queue?.stop(1000);
    await t?.close();
  });

  it('uploads CSV, XLSX, PDF and plain text: 202 at once, each plan reaches ready with what its file says', async () => {
    const files = [
      { name: 'report.csv', content: fixture('report.csv'), type: 'text/csv', expect: { kind: 'table', rows: 5 } },
      { name: 'relatorio.xlsx', content: await tinyXlsx(), expect: { kind: 'table', rows: 2, sheet: 'Report' } },
      { name: 'report.pdf', content: fixture('report.pdf'), type: 'application/pdf', expect: { kind: 'text', pages: 1 } },
      // Named .bin: the type comes from the content (UTF-8 text), not the name.
      { name: 'notes.bin', content: fixture('report.txt'), expect: { kind: 'text' } },
    ];
    for (const file of files) {
      const res = await upload(ownerA, file, ['amazon', 'mercadolivre']);
      expect(res.status, file.name).toBe(202);
      expect(res.body).toMatchObject({ planId: expect.any(String), status: 'uploaded' });
      const plan = await waitFor(ownerA, String(res.body.planId), ['ready', 'failed']);
      expect(plan.status, `${file.name}: ${plan.failureReason}`).toBe('ready');
      expect(plan.report).toMatchObject(file.expect);
      expect(plan.channels).toEqual(['amazon', 'mercadolivre']);
      expect(plan.planData?.phases[0]).toMatchObject({ number: 1 });
      expect(plan.planData?.phases[0]?.tasks.length).toBeGreaterThan(0);
      expect(new Set(plan.planData?.opportunities.map((o) => o.channel))).toEqual(new Set(['amazon', 'mercadolivre']));
    }
    // A report of several MB (far above the JSON body limit) is accepted: the multipart limit is the file's 20 MB.
    const rows = Array.from(
      { length: 60_000 },
      (_, i) => `SKU-${i},Generated product number ${i} with a long enough title,${(i % 90) + 9.9},${i % 7},${i % 13},${i % 500},${i % 4}%,4.${i % 9}`,
    );
    const big = Buffer.from(`sku,title,price,stock,sales,views,conversion,rating\n${rows.join('\n')}\n`);
    expect(big.length).toBeGreaterThan(5_000_000);
    const bigUpload = await upload(ownerA, { name: 'big.csv', content: big, type: 'text/csv' });
    expect(bigUpload.status).toBe(202);
    const bigPlan = await waitFor(ownerA, String(bigUpload.body.planId), ['ready', 'failed']);
    expect(bigPlan).toMatchObject({ status: 'ready', fileSize: big.length, report: { kind: 'table', rows: 50_000 } });
    const xlsx = (await ownerA.json<{ plans: AnalysisPlan[] }>('GET', '/api/marketplace/analysis?limit=10')).body.plans.find(
      (p) => p.fileName === 'relatorio.xlsx',
    );
    const detail = (await ownerA.json<AnalysisPlan>('GET', `/api/marketplace/analysis/${xlsx?.id}`)).body;
    expect(detail.planData?.opportunities.some((o) => /ML-1/.test(o.what))).toBe(true);
  });

  it('every rejected upload is a 400/413 naming the problem and leaves no plan behind', async () => {
    const before = await planCount();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const cases: Array<[string, Awaited<ReturnType<typeof upload>>, number, string]> = [
      ['png', await upload(ownerA, { name: 'report.csv', content: png }), 400, 'unsupported_file_type'],
      ['binary', await upload(ownerA, { name: 'report.txt', content: Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x41]) }), 400, 'unsupported_file_type'],
      ['zip', await upload(ownerA, { name: 'report.zip', content: Buffer.from('PK\x03\x04not a workbook at all') }), 400, 'unsupported_file_type'],
      ['empty', await upload(ownerA, { name: 'report.csv', content: Buffer.alloc(0) }), 400, 'empty_file'],
      ['blank', await upload(ownerA, { name: 'report.txt', content: Buffer.from('  \n\n ') }), 400, 'empty_file'],
      ['header only', await upload(ownerA, { name: 'report.csv', content: Buffer.from('sku,title,price\n') }), 400, 'empty_file'],
      [
        'corrupt xlsx',
        await upload(ownerA, { name: 'report.xlsx', content: Buffer.from('PK\x03\x04\x14\x00[Content_Types].xml garbage') }),
        400,
        'corrupt_file',
      ],
      ['corrupt pdf', await upload(ownerA, { name: 'report.pdf', content: Buffer.from('%PDF-1.4\nthis is not a pdf body') }), 400, 'corrupt_file'],
      ['corrupt csv', await upload(ownerA, { name: 'report.csv', content: Buffer.from('sku,title\n"SKU-1,unterminated\nSKU-2,x\n') }), 400, 'corrupt_file'],
      ['no file', await upload(ownerA, null), 400, 'missing_file'],
      ['no channel', await upload(ownerA, { name: 'report.csv', content: fixture('report.csv') }, []), 400, 'invalid_channels'],
      ['bad channel', await upload(ownerA, { name: 'report.csv', content: fixture('report.csv') }, ['ebay']), 400, 'invalid_channels'],
      ['too large', await upload(ownerA, { name: 'big.csv', content: Buffer.alloc(20 * 1024 * 1024 + 1, 0x41) }), 413, 'file_too_large'],
    ];
    for (const [name, res, status, reason] of cases) {
      expect([name, res.status, res.body.details?.reason]).toEqual([name, status, reason]);
      expect(res.body).toMatchObject({ error: expect.any(String), code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION' });
    }
    const json = await ownerA.json('POST', '/api/marketplace/analysis/upload', { file: 'x' });
    expect(json.status).toBe(400);
    expect(await planCount()).toBe(before);
  });

  it('approve -> 202, Phase 1 tasks created by the job awaiting approval and linked both ways; PATCH again creates nothing more', async () => {
    const res = await upload(ownerA, { name: 'report.csv', content: fixture('report.csv') }, ['shopee']);
    const planId = String(res.body.planId);
    await waitFor(ownerA, planId, ['ready']);
    const reject = await ownerA.json('PATCH', `/api/marketplace/analysis/${planId}`, { action: 'reject' });
    expect(reject.status).toBe(400);
    const approve = await ownerA.json<{ status: string; jobId: string }>('PATCH', `/api/marketplace/analysis/${planId}`, { action: 'approve' });
    expect(approve.status).toBe(202);
    expect(approve.body).toMatchObject({ planId, status: 'approved', jobId: expect.any(String) });
    const again = await ownerA.json<{ status: string; jobId: string | null }>('PATCH', `/api/marketplace/analysis/${planId}`, { action: 'approve' });
    expect(again.status).toBe(202);
    expect(again.body.jobId).toBeNull();
    const plan = await waitFor(ownerA, planId, ['tasks_created', 'failed']);
    expect(plan.status).toBe('tasks_created');
    expect(plan.tasks.length).toBe(plan.planData?.phases[0]?.tasks.length);
    expect(plan.tasks.every((task) => task.status === 'awaiting_approval' && task.marketplace === 'shopee' && task.phase === 1)).toBe(true);
    expect(plan.taskIds).toEqual(plan.tasks.map((task) => task.id));
    const task = (await ownerA.json<{ task: { metadata: Record<string, unknown>; createdBy: string } }>('GET', `/api/orchestration/tasks/${plan.taskIds[0]}`))
      .body.task;
    expect(task).toMatchObject({ createdBy: 'marketplace-master', metadata: { planId, phase: 1, index: 0, source: 'analysis-plan' } });
    const statuses = plan.history.filter((h) => h.queueName !== 'plans.analyze' && h.queueName !== 'plans.create-tasks').map((h) => h.status);
    expect(statuses).toEqual(['uploaded', 'approved']);
    expect(plan.history.filter((h) => h.completedAt !== null && h.fromStatus !== null).map((h) => h.status)).toEqual([
      'analyzing',
      'ready',
      'approved',
      'creating_tasks',
      'tasks_created',
    ]);
    const events = await t.database.execute<{ type: string; payload: { status?: string } }>(
      "select type, payload from events where payload->>'planId' = $1 order by id",
      [planId],
    );
    expect(events.filter((e) => e.type === 'plan.updated').map((e) => e.payload.status)).toEqual([
      'uploaded',
      'analyzing',
      'ready',
      'approved',
      'creating_tasks',
      'tasks_created',
    ]);
    expect(events.some((e) => e.type === 'plan.phase1.created')).toBe(true);
    // Another PATCH after the tasks exist: still one set; a reject is now a conflict.
    await ownerA.json('PATCH', `/api/marketplace/analysis/${planId}`, { action: 'approve' });
    expect((await ownerA.json<AnalysisPlan>('GET', `/api/marketplace/analysis/${planId}`)).body.taskIds).toEqual(plan.taskIds);
    expect((await ownerA.json('PATCH', `/api/marketplace/analysis/${planId}`, { action: 'reject', reason: 'late' })).status).toBe(409);
  });

  it('list filters and paging; viewers read but cannot upload or decide; another org gets 404', async () => {
    const all = await ownerA.json<{ plans: AnalysisPlan[]; total: number }>('GET', '/api/marketplace/analysis?limit=2');
    expect(all.status).toBe(200);
    expect(all.body.plans.length).toBe(2);
    expect(all.body.total).toBeGreaterThanOrEqual(5);
    const shopee = await ownerA.json<{ plans: AnalysisPlan[] }>('GET', '/api/marketplace/analysis?channel=shopee&status=tasks_created');
    expect(shopee.body.plans.length).toBe(1);
    expect((await ownerA.json('GET', '/api/marketplace/analysis?status=nope')).status).toBe(400);
    const id = all.body.plans[0]?.id as string;
    expect((await viewerA.json('GET', `/api/marketplace/analysis/${id}`)).status).toBe(200);
    expect((await viewerA.json('PATCH', `/api/marketplace/analysis/${id}`, { action: 'approve' })).status).toBe(403);
    expect((await upload(viewerA, { name: 'report.csv', content: fixture('report.csv') })).status).toBe(403);
    expect((await ownerB.json('GET', `/api/marketplace/analysis/${id}`)).status).toBe(404);
    expect((await ownerB.json('PATCH', `/api/marketplace/analysis/${id}`, { action: 'approve' })).status).toBe(404);
    expect((await ownerB.json<{ total: number }>('GET', '/api/marketplace/analysis')).body.total).toBe(0);
  });
});
