import type { InventoryLevel, InventorySet, Listing, Page, Product } from '../../contracts/connectors.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import type { FeedFormat, FeedKind } from './feed-columns.ts';
import { feedContentType, renderFeed } from './feed-export.ts';
import { createFeedFetcher, type FeedValidators } from './feed-fetch.ts';
import { type FeedDtos, type FeedInput, type FeedParseOptions, type FeedParseResult, importFeed, parseFeedText, readFeedInput } from './feed-parse.ts';
import type { KawayConfig, KawayCredentials } from './kaway-schemas.ts';

/** The Kaway feed connector's client for one store (see docs/connectors.md "Kaway"). */
export type FeedPull<K extends FeedKind> =
  | ({ status: 'unchanged' } & FeedValidators)
  | ({ status: 'changed'; result: FeedParseResult<FeedDtos[K]>; fetchedAt: string } & FeedValidators);

export interface KawayClient extends ConnectorClient {
  /** Parses an uploaded file (Buffer, string or stream) of the given kind; `partial` defaults to the store's `partialImport`. */
  importFile<K extends FeedKind>(kind: K, input: FeedInput, options?: FeedParseOptions): Promise<FeedParseResult<FeedDtos[K]>>;
  /** Downloads a watched feed unless it is unchanged since `validators` (the ETag / Last-Modified a sync saved). */
  pullFeed<K extends FeedKind>(kind: K, validators?: Partial<FeedValidators>): Promise<FeedPull<K>>;
  /** The file Kaway would ingest for these items (products with prices and stock, stock levels, orders). */
  exportFile<K extends FeedKind>(kind: K, items: ReadonlyArray<FeedDtos[K]>, format?: FeedFormat): { body: string; contentType: string; fileName: string };
}

interface Snapshot<T> {
  id: string;
  items: T[];
  validators: FeedValidators;
}

const encodeCursor = (snapshot: string, offset: number) => Buffer.from(JSON.stringify({ s: snapshot, o: offset })).toString('base64url');
function decodeCursor(cursor: string | null | undefined): { s: string; o: number } | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value?.s === 'string' && Number.isInteger(value?.o) && value.o >= 0) return value;
  } catch {}
  throw new ConnectorError('Kaway: not a cursor this connector issued', { kind: 'rejected' });
}

const httpDateToIso = (value: string | null) => {
  const at = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : new Date(at).toISOString();
};

export function toListings(product: Product): Listing[] {
  return product.variants.map((variant) => ({
    channelListingId: product.channelId,
    channelVariantId: variant.channelId,
    sku: variant.sku,
    title: product.variants.length > 1 ? `${product.title} - ${variant.title}` : product.title,
    status: product.status === 'active' ? 'active' : product.status === 'draft' ? 'draft' : 'inactive',
    price: variant.price,
    quantity: variant.quantity,
    url: null,
    fields: { productId: product.channelId, handle: product.handle, vendor: product.vendor, productType: product.productType, tags: product.tags },
  }));
}

export function createKawayClient(context: ConnectorContext<KawayCredentials, KawayConfig>): KawayClient {
  const { config } = context;
  const fetcher = createFeedFetcher({ ...context, credentials: context.credentials });
  const urls: Record<FeedKind, string | undefined> = { products: config.productsFeedUrl, stock: config.stockFeedUrl, orders: config.ordersFeedUrl };
  const snapshots: { [K in FeedKind]?: Snapshot<FeedDtos[K]> } = {};
  const inFlight = new Map<FeedKind, Promise<unknown>>();

  function urlOf(kind: FeedKind): string {
    const url = urls[kind];
    if (!url) throw new ConnectorError(`Kaway store ${config.sellerId} has no ${kind} feed URL: upload the ${kind} file instead`, { kind: 'rejected' });
    return url;
  }

  async function pullFeed<K extends FeedKind>(kind: K, validators: Partial<FeedValidators> = {}): Promise<FeedPull<K>> {
    const download = await fetcher.download(urlOf(kind), validators);
    if (download.status === 'unchanged') return download;
    const text = await readFeedInput(download.bytes, kind);
    const fallbackTime = httpDateToIso(download.lastModified) ?? download.fetchedAt;
    const result = parseFeedText(kind, text, { format: download.format ?? undefined, partial: config.partialImport, fallbackTime });
    return { status: 'changed', etag: download.etag, lastModified: download.lastModified, fetchedAt: download.fetchedAt, result };
  }

  /** The current snapshot of a feed: re-validated with a conditional GET, downloaded again only when it changed. One download per feed at a time. */
  function refresh<K extends FeedKind>(kind: K): Promise<Snapshot<FeedDtos[K]>> {
    const running = inFlight.get(kind);
    if (running) return running as Promise<Snapshot<FeedDtos[K]>>;
    const run = (async () => {
      const cached = snapshots[kind] as Snapshot<FeedDtos[K]> | undefined;
      const pulled = await pullFeed(kind, cached?.validators ?? {});
      if (pulled.status === 'unchanged' && cached) return cached;
      if (pulled.status === 'unchanged') throw new ConnectorError(`Kaway ${kind} feed answered 304 to an unconditional request`, { kind: 'protocol' });
      const snapshot: Snapshot<FeedDtos[K]> = {
        id: pulled.etag ?? pulled.lastModified ?? pulled.fetchedAt,
        items: pulled.result.items,
        validators: { etag: pulled.etag, lastModified: pulled.lastModified },
      };
      (snapshots as Record<FeedKind, unknown>)[kind] = snapshot;
      return snapshot;
    })().finally(() => inFlight.delete(kind));
    inFlight.set(kind, run);
    return run;
  }

  /** Pages over one snapshot: later pages of a cursor reuse the copy the first page downloaded (no request). */
  async function page<K extends FeedKind>(
    kind: K,
    options: { cursor?: string | null; limit?: number; updatedSince?: string },
    updatedAt: (item: FeedDtos[K]) => string,
  ): Promise<Page<FeedDtos[K]>> {
    const cursor = decodeCursor(options.cursor);
    const cached = snapshots[kind] as Snapshot<FeedDtos[K]> | undefined;
    const snapshot = cursor && cached?.id === cursor.s ? cached : await refresh(kind);
    const since = options.updatedSince ? new Date(options.updatedSince).toISOString() : null;
    const items = since ? snapshot.items.filter((item) => updatedAt(item) >= since) : snapshot.items;
    const offset = cursor?.o ?? 0;
    const limit = Math.max(1, Math.min(options.limit ?? 50, 250));
    const next = offset + limit;
    return { items: items.slice(offset, next), nextCursor: next < items.length ? encodeCursor(snapshot.id, next) : null };
  }

  async function levels(): Promise<InventoryLevel[]> {
    if (urls.stock) return (await refresh('stock')).items;
    return (await refresh('products')).items.flatMap((product) =>
      product.variants.map((v) => ({ inventoryItemId: v.inventoryItemId ?? v.sku, sku: v.sku, locationId: null, available: v.quantity ?? 0 })),
    );
  }

  const exportFile: KawayClient['exportFile'] = (kind, items, format = config.uploadFormat) => ({
    body: renderFeed(kind, items, format),
    contentType: feedContentType(format),
    fileName: `kaway-${kind}.${format}`,
  });

  return {
    async testConnection() {
      const kind = (['products', 'stock', 'orders'] as const).find((k) => urls[k]);
      if (kind) await refresh(kind);
      return { externalId: config.sellerId, name: config.name ?? config.sellerId, currency: config.currency };
    },
    listingsOf: toListings,
    listProducts: (options = {}) => page('products', options, (product) => product.updatedAt),
    async getProduct(channelId) {
      return (await refresh('products')).items.find((product) => product.channelId === channelId) ?? null;
    },
    async *exportProducts() {
      yield* (await refresh('products')).items;
    },
    async getInventory(inventoryItemIds) {
      const wanted = new Set(inventoryItemIds);
      return (await levels()).filter((level) => wanted.has(level.inventoryItemId));
    },
    async setInventory(sets: InventorySet[]) {
      if (!config.stockUploadUrl) {
        throw new ConnectorError(
          `Kaway store ${config.sellerId} has no stock upload URL: export the stock file and upload it in Kaway's seller panel (Nexo cannot verify it)`,
          { kind: 'rejected' },
        );
      }
      const file = exportFile(
        'stock',
        sets.map((set) => ({ inventoryItemId: set.inventoryItemId, sku: set.inventoryItemId, locationId: set.locationId ?? null, available: set.available })),
      );
      await fetcher.upload(config.stockUploadUrl, file.body, file.contentType);
      const current = await levels();
      const wrong = sets.filter((set) => current.find((level) => level.inventoryItemId === set.inventoryItemId)?.available !== set.available);
      if (wrong.length > 0) {
        throw new ConnectorError(`Kaway accepted the stock file but ${wrong.length} SKU(s) do not show the new quantity (e.g. ${wrong[0]?.inventoryItemId})`, {
          kind: 'write_not_applied',
          details: { skus: wrong.map((set) => set.inventoryItemId) },
        });
      }
      const wanted = new Set(sets.map((set) => set.inventoryItemId));
      return current.filter((level) => wanted.has(level.inventoryItemId));
    },
    listOrders: (options = {}) => page('orders', options, (order) => order.updatedAt),
    importFile: (kind, input, options = {}) => importFeed(kind, input, { partial: config.partialImport, ...options }),
    pullFeed,
    exportFile,
  };
}
