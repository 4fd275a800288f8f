import type { InventoryLevel, InventorySet, Page, PriceUpdate, Product, ProductInput, ProductUpdate } from '../../contracts/connectors.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient } from '../sdk/define-connector.ts';
import { type MlItem, parseInventoryItemId, toProduct } from './mappers.ts';
import { chunk, type MlSession } from './ml-session.ts';

export const MULTIGET_MAX = 20;
export const SCAN_PAGE_MAX = 100;

const notApplied = (what: string, details?: unknown) =>
  new ConnectorError(`Mercado Livre answered success for ${what} but the change is not there when read back`, { kind: 'write_not_applied', details });
const isAmbiguous = (error: unknown) => isConnectorError(error) && (error.kind === 'upstream' || error.kind === 'network');
const decimal = (amount: number, currency: string) => Number(fromMinorUnits(amount, currency));
const statusOf = (status: Product['status']) => (status === 'active' ? 'active' : status === 'draft' ? 'paused' : 'closed');

/** Items by id through multiget (`GET /items?ids=`, at most 20 per call); missing ones (404 entries) are left out. */
export async function multiget(session: MlSession, ids: string[]): Promise<MlItem[]> {
  const items: MlItem[] = [];
  for (const batch of chunk(ids, MULTIGET_MAX)) {
    const answers = await session.request<Array<{ code: number; body: unknown }>>({ path: '/items', query: { ids: batch.join(',') }, idempotent: true });
    if (!Array.isArray(answers)) throw new ConnectorError('Mercado Livre multiget answered something other than an array', { kind: 'protocol' });
    for (const answer of answers) {
      if (answer.code === 200) items.push(answer.body as MlItem);
      else if (answer.code !== 404)
        throw new ConnectorError(`Mercado Livre multiget entry failed with ${answer.code}`, { kind: 'upstream', upstreamStatus: answer.code });
    }
  }
  return items;
}

/** ML's answer to a scroll it no longer has: `400` naming the `scroll_id` (expired or unknown). */
const isExpiredScroll = (error: unknown) =>
  isConnectorError(error) && error.upstreamStatus === 400 && /scroll/i.test(JSON.stringify(error.details ?? '') + error.message);

/** One page of a full listing scan (`search_type=scan`): the cursor is `<seen>:<scroll_id>`. */
export async function scanPage(session: MlSession, cursor: string | null, limit: number, filters: Record<string, string> = {}) {
  const match = cursor ? /^(\d+):(.+)$/.exec(cursor) : null;
  if (cursor && !match) throw new ConnectorError('Not a Mercado Livre scan cursor', { kind: 'rejected' });
  const seen = match ? Number(match[1]) : 0;
  const size = Math.max(1, Math.min(limit, SCAN_PAGE_MAX));
  const answer = await session
    .request<{ results: string[]; scroll_id?: string; paging?: { total?: number } }>({
      path: `/users/${session.userId()}/items/search`,
      query: { search_type: 'scan', limit: size, ...(match ? { scroll_id: match[2] } : {}), ...filters },
      idempotent: true,
    })
    .catch((error: unknown) => {
      throw match && isExpiredScroll(error)
        ? new ConnectorError('Mercado Livre no longer knows this scan (a scroll_id lives 5 minutes): restart the scan', {
            kind: 'cursor_expired',
            upstreamStatus: 400,
            cause: error,
          })
        : error;
    });
  const ids = answer.results ?? [];
  const total = answer.paging?.total ?? Number.POSITIVE_INFINITY;
  const done = ids.length === 0 || ids.length < size || seen + ids.length >= total || !answer.scroll_id;
  return { ids, nextCursor: done ? null : `${seen + ids.length}:${answer.scroll_id}` };
}

export function catalogMethods(session: MlSession): Partial<ConnectorClient> {
  async function getItem(id: string): Promise<MlItem | null> {
    try {
      return await session.request<MlItem>({ path: `/items/${encodeURIComponent(id)}`, idempotent: true });
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  async function getProduct(channelId: string): Promise<Product | null> {
    const item = await getItem(channelId);
    if (!item) return null;
    let description = '';
    try {
      description =
        (await session.request<{ plain_text?: string }>({ path: `/items/${encodeURIComponent(channelId)}/description`, idempotent: true }))?.plain_text ?? '';
    } catch (error) {
      if (!(isConnectorError(error) && error.kind === 'not_found')) throw error;
    }
    return toProduct(item, description);
  }

  async function listProducts(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Product>> {
    const page = await scanPage(session, options.cursor ?? null, options.limit ?? 50);
    let items = (await multiget(session, page.ids)).map((item) => toProduct(item));
    // ML's item search has no update-time filter: an incremental listing scans and filters here.
    if (options.updatedSince) {
      const since = options.updatedSince;
      items = items.filter((p) => p.updatedAt >= since);
    }
    return { items, nextCursor: page.nextCursor };
  }

  async function* exportProducts(): AsyncIterable<Product> {
    let cursor: string | null = null;
    do {
      const page: { ids: string[]; nextCursor: string | null } = await scanPage(session, cursor, SCAN_PAGE_MAX);
      for (const item of await multiget(session, page.ids)) yield toProduct(item);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  async function findBySku(sku: string): Promise<string | null> {
    const answer = await session.request<{ results: string[] }>({
      path: `/users/${session.userId()}/items/search`,
      query: { seller_sku: sku, limit: 1 },
      idempotent: true,
    });
    return answer.results?.[0] ?? null;
  }

  async function createProduct(input: ProductInput): Promise<Product> {
    const currency = session.currency();
    const { config } = session;
    const withVariations = input.variants.length > 1 || input.variants.some((v) => Object.keys(v.attributes ?? {}).length > 0);
    const first = input.variants[0];
    if (!first) throw new ConnectorError('A product needs at least one variant', { kind: 'rejected' });
    const body = {
      title: input.title,
      category_id: input.productType?.startsWith(config.siteId) ? input.productType : config.categoryId,
      price: decimal(Math.min(...input.variants.map((v) => v.price.amount)), currency),
      currency_id: currency,
      available_quantity: input.variants.reduce((sum, v) => sum + (v.quantity ?? 0), 0),
      buying_mode: 'buy_it_now',
      listing_type_id: config.listingTypeId,
      condition: config.condition,
      pictures: (input.images ?? []).map((image) => ({ source: image.url })),
      attributes: [
        ...(input.vendor ? [{ id: 'BRAND', value_name: input.vendor }] : []),
        ...(withVariations ? [] : [{ id: 'SELLER_SKU', value_name: first.sku }]),
      ],
      ...(withVariations
        ? {
            variations: input.variants.map((v) => ({
              price: decimal(v.price.amount, currency),
              available_quantity: v.quantity ?? 0,
              attribute_combinations: Object.entries(v.attributes ?? {}).map(([name, value]) => ({ name, value_name: value })),
              attributes: [{ id: 'SELLER_SKU', value_name: v.sku }],
            })),
          }
        : {}),
      ...(input.description ? { description: { plain_text: input.description } } : {}),
    };
    let created: MlItem | null = null;
    for (let attempt = 1; created === null; attempt++) {
      try {
        created = await session.request<MlItem>({ method: 'POST', path: '/items', body, idempotent: false });
      } catch (error) {
        if (!isAmbiguous(error) || attempt >= 4) throw error;
        // The answer was lost: the item may exist. ML has no idempotency key; the SKU finds it.
        const existing = await findBySku(first.sku);
        if (existing) created = await getItem(existing);
      }
    }
    if (input.status && input.status !== 'active')
      await session.request({ method: 'PUT', path: `/items/${created.id}`, body: { status: statusOf(input.status) }, idempotent: true });
    const product = await getProduct(created.id);
    if (!product) throw notApplied(`creating "${input.title}"`);
    const skus = product.variants.map((v) => v.sku).sort();
    if (JSON.stringify(skus) !== JSON.stringify(input.variants.map((v) => v.sku).sort())) throw notApplied(`creating "${input.title}"`, { skus });
    return product;
  }

  async function updateProduct(input: ProductUpdate): Promise<Product> {
    const body: Record<string, unknown> = {};
    if (input.title !== undefined) body.title = input.title;
    if (input.status !== undefined) body.status = statusOf(input.status);
    if (Object.keys(body).length > 0) await session.request({ method: 'PUT', path: `/items/${encodeURIComponent(input.channelId)}`, body, idempotent: true });
    if (input.description !== undefined)
      await session.request({
        method: 'PUT',
        path: `/items/${encodeURIComponent(input.channelId)}/description`,
        body: { plain_text: input.description },
        idempotent: true,
      });
    const product = await getProduct(input.channelId);
    if (!product) throw new ConnectorError(`Mercado Livre item ${input.channelId} not found`, { kind: 'not_found' });
    if (
      (input.title !== undefined && product.title !== input.title) ||
      (input.status !== undefined && product.status !== input.status) ||
      (input.description !== undefined && product.description !== input.description)
    )
      throw notApplied(`updating ${input.channelId}`);
    return product;
  }

  async function deleteProduct(channelId: string): Promise<void> {
    const item = await getItem(channelId);
    if (!item) return;
    const path = `/items/${encodeURIComponent(channelId)}`;
    // ML deletes only closed items: close, then `deleted: true`.
    if (item.status !== 'closed') await session.request({ method: 'PUT', path, body: { status: 'closed' }, idempotent: true });
    await session.request({ method: 'PUT', path, body: { deleted: 'true' }, idempotent: true });
    if (await getItem(channelId)) throw notApplied(`deleting ${channelId}`);
  }

  /**
   * One PUT per item. An item with variations takes `variations: [{ id, price?, available_quantity? }]`
   * and ML REMOVES every variation the PUT leaves out, so every variation id is always sent.
   */
  async function putItemChanges(itemId: string, changes: Map<string | null, { price?: number; available_quantity?: number }>): Promise<void> {
    const item = await getItem(itemId);
    if (!item) throw new ConnectorError(`Mercado Livre item ${itemId} not found`, { kind: 'not_found' });
    const path = `/items/${encodeURIComponent(itemId)}`;
    if (item.variations && item.variations.length > 0) {
      const known = new Set(item.variations.map((v) => String(v.id)));
      for (const key of changes.keys())
        if (key === null || !known.has(key)) throw new ConnectorError(`Variation ${key} is not part of item ${itemId}`, { kind: 'not_found' });
      const variations = item.variations.map((v) => ({ id: v.id, ...(changes.get(String(v.id)) ?? {}) }));
      await session.request({ method: 'PUT', path, body: { variations }, idempotent: true });
    } else {
      await session.request({ method: 'PUT', path, body: changes.get(null) ?? {}, idempotent: true });
    }
  }

  async function updatePrices(updates: PriceUpdate[]): Promise<void> {
    const byItem = new Map<string, Map<string | null, { price: number }>>();
    for (const update of updates) {
      const changes = byItem.get(update.channelProductId) ?? new Map();
      const key = update.channelVariantId === update.channelProductId ? null : update.channelVariantId;
      changes.set(key, { price: decimal(update.price.amount, update.price.currency) });
      byItem.set(update.channelProductId, changes);
    }
    for (const [itemId, changes] of byItem) await putItemChanges(itemId, changes);
    const after = await multiget(session, [...byItem.keys()]);
    for (const update of updates) {
      const product = after.find((i) => i.id === update.channelProductId);
      const variant = product ? toProduct(product).variants.find((v) => v.channelId === update.channelVariantId) : undefined;
      if (variant?.price.amount !== update.price.amount) throw notApplied(`the price of ${update.channelVariantId}`, { expected: update.price.amount });
    }
  }

  async function getInventory(ids: string[]): Promise<InventoryLevel[]> {
    const items = await multiget(session, [...new Set(ids.map((id) => parseInventoryItemId(id).itemId))]);
    const levels: InventoryLevel[] = [];
    for (const item of items) {
      for (const variant of toProduct(item).variants) {
        if (variant.inventoryItemId && ids.includes(variant.inventoryItemId))
          levels.push({ inventoryItemId: variant.inventoryItemId, sku: variant.sku || null, locationId: null, available: variant.quantity ?? 0 });
      }
    }
    return levels;
  }

  async function setInventory(levels: InventorySet[]): Promise<InventoryLevel[]> {
    const byItem = new Map<string, Map<string | null, { available_quantity: number }>>();
    for (const level of levels) {
      const { itemId, variationId } = parseInventoryItemId(level.inventoryItemId);
      const changes = byItem.get(itemId) ?? new Map();
      changes.set(variationId === null ? null : String(variationId), { available_quantity: level.available });
      byItem.set(itemId, changes);
    }
    for (const [itemId, changes] of byItem) await putItemChanges(itemId, changes);
    const after = await getInventory(levels.map((l) => l.inventoryItemId));
    const wrong = levels.filter((l) => after.find((a) => a.inventoryItemId === l.inventoryItemId)?.available !== l.available);
    if (wrong.length > 0) throw notApplied(`stock of ${wrong.map((w) => w.inventoryItemId).join(', ')}`, { expected: wrong });
    return after;
  }

  return { listProducts, getProduct, createProduct, updateProduct, deleteProduct, updatePrices, exportProducts, getInventory, setInventory };
}
