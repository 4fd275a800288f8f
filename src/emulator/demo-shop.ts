import type { Emulator } from './emulator.ts';

/**
 * How the demo (`npm start`, NEXO_DEMO) connects one emulated store of a channel: the channel's emulator creates
 * the shop and says what a store needs to reach it. A new emulated channel adds its `<channel>/<channel>-demo.ts`
 * and one line in `demo-shops.ts`.
 */
export interface DemoShopSize {
  products: number;
  orders: number;
}

export interface DemoConnection {
  /** The store's id on the channel (what `testConnection` reports), so a restart finds the store again. */
  externalId: string;
  /** Valid for the connector's configSchema / credentialsSchema (the emulator does not import connectors). */
  connectorConfig: Record<string, unknown>;
  credentials: Record<string, unknown>;
}

export interface DemoShop {
  /** The connector id (GET /api/connectors). */
  platform: string;
  /** The store's display name in the demo org. */
  name: string;
  create(emulator: Emulator, size: DemoShopSize): DemoConnection;
}
