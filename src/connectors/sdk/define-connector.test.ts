import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CapabilityMatrix, capabilityNames, connectorInfoSchema } from '../../contracts/connectors.ts';
import { connectorMatrix, connectors } from '../registry.ts';
import { defineConnector } from './define-connector.ts';

const allUnsupported = Object.fromEntries(capabilityNames.map((name) => [name, { level: 'unsupported' }])) as CapabilityMatrix;
const base = {
  id: 'test-feed',
  name: 'Test feed',
  version: '0.0.1',
  auth: { type: 'feed' as const, description: 'files' },
  credentialsSchema: z.object({ url: z.url() }),
  configSchema: z.object({ delimiter: z.string().default(',') }),
  capabilities: allUnsupported,
  create: ({ credentials, config }: { credentials: { url: string }; config: { delimiter: string } }) => ({
    testConnection: async () => ({ externalId: credentials.url, name: config.delimiter, currency: 'BRL' }),
    listingsOf: () => [],
  }),
};

describe('defineConnector', () => {
  it('validates credentials and config before creating a client', async () => {
    const connector = defineConnector(base);
    const client = connector.connect({ credentials: { url: 'https://feeds.example/x.csv' }, config: {} });
    expect(await client.testConnection()).toEqual({ externalId: 'https://feeds.example/x.csv', name: ',', currency: 'BRL' });
    let refused: unknown;
    try {
      connector.connect({ credentials: { url: 'sk_live_SECRET' }, config: {} });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ name: 'ConnectorError', kind: 'rejected', retryable: false });
    expect((refused as Error).message).toMatch(/Test feed credentials are not valid: url:/);
    expect(JSON.stringify(refused) + (refused as Error).message).not.toContain('SECRET');
  });

  it('refuses incomplete or unknown capability declarations and bad ids', () => {
    const { list_products: _dropped, ...missing } = allUnsupported;
    expect(() => defineConnector({ ...base, capabilities: missing as CapabilityMatrix })).toThrow(/does not declare: list_products/);
    expect(() => defineConnector({ ...base, capabilities: { ...allUnsupported, teleport: { level: 'native' } } as CapabilityMatrix })).toThrow(
      /unknown capabilities: teleport/,
    );
    expect(() => defineConnector({ ...base, id: 'Bad Id' })).toThrow(/lowercase/);
  });

  it('describes itself without functions or secrets, and callers cannot change its matrix', () => {
    const connector = defineConnector(base);
    const info = connector.info();
    info.capabilities.list_products.level = 'native';
    expect(connector.info().capabilities.list_products.level).toBe('unsupported');
    expect(connectorInfoSchema.parse(connector.info())).toEqual(connector.info());
  });
});

describe('registry', () => {
  it('lists connectors with unique ids and a full matrix each', () => {
    const ids = connectors.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('shopify');
    const matrix = connectorMatrix();
    expect(matrix.capabilities).toEqual([...capabilityNames]);
    for (const info of matrix.connectors) connectorInfoSchema.parse(info);
  });
});
