import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { buildTestApp } from '../../test/helpers/in-process-app.ts';
import { silentLog } from '../../test/helpers/template.ts';
import { jobCatalog } from '../contracts/jobs.ts';
import { permissions } from '../contracts/permissions.ts';
import { createJobQueue } from '../queue/job-queue.ts';
import { routeAccessOf } from './plugins/auth.ts';

describe('route access declarations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  const build = () => buildTestApp(t, { queue: createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog }) });

  it('every route in the API declares its access, and every declared permission exists', async () => {
    const app = await build();
    await app.ready();
    const declared = routeAccessOf.get(app) ?? [];
    const spec = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(20);
    const withAccess = new Set(declared.map((r) => `${r.method} ${r.url}`));
    expect(documented.filter((r) => !withAccess.has(r))).toEqual([]);
    for (const route of declared) expect(['public', 'authenticated', ...permissions]).toContain(route.access);
    await app.close();
  });

  it('refuses to register a route that declares no access', async () => {
    const app = await build();
    expect(() => app.get('/api/forgotten', async () => ({ ok: true }))).toThrow(/declares no access/);
    await app.close().catch(() => undefined);
  });

  it('public routes are only the ones meant to be public', async () => {
    const app = await build();
    await app.ready();
    const publicRoutes = (routeAccessOf.get(app) ?? []).filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.sort()).toEqual(
      // GET /api/health: seed 001's load-balancer check (minimal body; the detailed report needs credentials with health.read).
      [
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'GET /api/health',
        'POST /api/auth/login',
        'GET /api/invitations/:token',
        'POST /api/invitations/accept',
        // Inbound channel webhooks: the channel authenticates by its signature over the raw body (test/e2e/webhooks.e2e.test.ts).
        'POST /api/webhooks/:platform/:storeId',
        // Mercado Livre's app-wide notifications: unsigned hints, re-fetched with the store's own token (test/e2e/channel-webhooks.e2e.test.ts).
        'POST /api/webhooks/mercadolivre',
      ].sort(),
    );
    await app.close();
  });
});
