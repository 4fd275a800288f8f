import { createEmulator } from '../emulator/emulator.ts';

export interface EmulatorCommandOptions {
  port: string;
  host: string;
  seed: string;
  shops: string;
  kawayShops?: string;
  products: string;
  orders: string;
  orderIntervalMs: string;
}

/** `nexo emulator`: the marketplace emulator as a standalone server, until SIGINT/SIGTERM. */
export async function emulatorCommand(options: EmulatorCommandOptions): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${options.port}`);
  const emulator = createEmulator({ seed: options.seed, orderIntervalMs: Number(options.orderIntervalMs) || undefined });
  const url = await emulator.listen(port, options.host);
  process.stdout.write(`Marketplace emulator listening on ${url} (control plane: ${url}/_emulator/shops)\n`);
  for (const shop of options.shops
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    // `<platform>:<key>` names a shop of that channel (mercadolivre:, amazon:, shopee:, tiktokshop:); anything else a Shopify shop domain.
    const [, platform = 'shopify', key = shop] = /^(mercadolivre|amazon|shopee|tiktokshop):(.+)$/.exec(shop) ?? [];
    const sizes = { products: Number(options.products), orders: Number(options.orders) };
    const credentials =
      platform === 'amazon'
        ? emulator.createAmazonShop({ platform: 'amazon', shop: key, ...sizes })
        : emulator.createShop({ platform: platform as 'shopify' | 'mercadolivre' | 'shopee' | 'tiktokshop', shop: key, ...sizes });
    process.stdout.write(`${JSON.stringify(credentials)}\n`);
  }
  for (const shop of (options.kawayShops ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const credentials = emulator.createKawayShop({ platform: 'kaway', shop, products: Number(options.products), orders: Number(options.orders) });
    process.stdout.write(`${JSON.stringify(credentials)}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
}
