import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilityNames, connectorsListSchema } from '../../src/contracts/connectors.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { nexoBin, repoRoot, startTestServer, type TestServer } from '../helpers/server.ts';

describe('GET /api/connectors', () => {
  let server: TestServer;
  let owner: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('returns the capability matrix of every connector', async () => {
    const { status, body } = await owner.json('GET', '/api/connectors');
    expect(status).toBe(200);
    const matrix = connectorsListSchema.parse(body);
    expect(matrix.capabilities).toEqual([...capabilityNames]);
    const shopify = matrix.connectors.find((c) => c.id === 'shopify');
    expect(shopify?.auth.type).toBe('oauth2');
    expect(shopify?.capabilities.bulk_operations.level).toBe('native');
    expect(shopify?.capabilities.push_inventory.batchSize).toBe(250);
    const kaway = matrix.connectors.find((c) => c.id === 'kaway');
    expect(kaway?.auth.type).toBe('feed');
    expect(kaway?.capabilities.list_products.level).toBe('workaround');
    expect(kaway?.capabilities.order_webhooks.level).toBe('unsupported');
    const amazon = matrix.connectors.find((c) => c.id === 'amazon');
    expect(amazon?.auth.type).toBe('api_key');
    expect(amazon?.capabilities.bulk_operations.level).toBe('native');
    expect(amazon?.capabilities.order_webhooks.level).toBe('workaround');
    expect(amazon?.capabilities.push_inventory.notes).toMatch(/FBA/);
    const mercadoLivre = matrix.connectors.find((c) => c.id === 'mercadolivre');
    expect(mercadoLivre?.auth.type).toBe('oauth2');
    expect(mercadoLivre?.capabilities.delete_product.level).toBe('workaround');
    expect(mercadoLivre?.capabilities.fulfill_order.level).toBe('unsupported');
    for (const connector of matrix.connectors) expect(Object.keys(connector.capabilities).sort()).toEqual([...capabilityNames].sort());
  });

  it('is for signed-in members only', async () => {
    expect((await fetch(`${server.url}/api/connectors`)).status).toBe(401);
  });
});

describe('nexo emulator', () => {
  it('serves emulated shops until stopped', async () => {
    const child = spawn(
      process.execPath,
      [nexoBin, 'emulator', '--port', '0', '--shops', 'a.myshopify.com,mercadolivre:seller-b', '--products', '5', '--orders', '2'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const lines: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no shops printed: ${lines.join('\n')}`)), 20_000);
        child.stdout.on('data', (chunk) => {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          if (lines.length >= 3) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const url = /listening on (\S+)/.exec(lines[0] ?? '')?.[1];
      const shops = lines.slice(1).map((line) => JSON.parse(line));
      expect(shops.map((s) => s.shop)).toEqual(['a.myshopify.com', 'seller-b']);
      const listing = await (await fetch(`${url}/_emulator/shops`)).json();
      expect(listing.shops.map((s: { products: number }) => s.products)).toEqual([5, 5]);
      const res = await fetch(`${shops[0].baseUrl}/admin/api/2025-01/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': shops[0].accessToken },
        body: JSON.stringify({ query: 'query Shop { shop { name currencyCode } }' }),
      });
      expect((await res.json()).data.shop.currencyCode).toBe('BRL');
      const me = await fetch(`${shops[1].baseUrl}/users/me`, { headers: { authorization: `Bearer ${shops[1].accessToken}` } });
      expect((await me.json()).id).toBe(Number(shops[1].userId));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
