import type { InventoryLevel, InventorySet, Page, PriceUpdate, Product, ProductInput, ProductUpdate } from '../../contracts/connectors.ts';
import { mapInFlight } from '../../lib/in-flight.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient } from '../sdk/define-connector.ts';
import { parseStockId, type ShopeeItem, type ShopeeModels, toProduct } from './mappers.ts';
import type { ShopeeSession } from './shopee-session.ts';

export const ITEM_PAGE_MAX = 100;
export const BASE_INFO_MAX = 50;
/** get_model_list calls in flight at once (Shopee has no batch form; its limit is calls per second, not concurrency). */
const MODEL_READS_IN_FLIGHT = 4;
const LISTED = ['NORMAL', 'UNLIST'] as const;

const notApplied = (what: string, details?: unknown) =>
  new ConnectorError(`Shopee answered success for ${what} but the change is not there when read back`, { kind: 'write_not_applied', details });
const isAmbiguous = (error: unknown) => isConnectorError(error) && (error.kind === 'upstream' || error.kind === 'network');
const decimal = (amount: number, currency: string) => Number(fromMinorUnits(amount, currency));
const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const itemIdOf = (channelId: string) => {
  if (!/^\d+$/.test(channelId)) throw new ConnectorError(`Not a Shopee item id: ${channelId}`, { kind: 'not_found' });
  return Number(channelId);
};

interface FailureList {
  failure_list?: Array<{ model_id?: number; failed_reason?: string }>;
}

export function catalogMethods(session: ShopeeSession): Partial<ConnectorClient> {
  /**
   * get_item_base_info (50 ids a call) + get_model_list for every item with models. Deleted items are left out.
   * The model reads go out a few at a time, so the pacer's slots (not each answer's round trip) set their rate.
   */
  async function readItems(ids: number[]): Promise<Product[]> {
    const currency = await session.currency();
    const products: Product[] = [];
    for (const batch of chunk(ids, BASE_INFO_MAX)) {
      const answer = await session.request<{ response?: { item_list?: ShopeeItem[] } }>({
        path: '/api/v2/product/get_item_base_info',
        query: { item_id_list: batch.join(','), need_tax_info: false, need_complaint_policy: false },
        idempotent: true,
      });
      const items = (answer.response?.item_list ?? []).filter((item) => !/DELETE/.test(item.item_status));
      const models = await mapInFlight(items, MODEL_READS_IN_FLIGHT, async (item) =>
        item.has_model
          ? ((
              await session.request<{ response?: ShopeeModels }>({ path: '/api/v2/product/get_model_list', query: { item_id: item.item_id }, idempotent: true })
            ).response ?? null)
          : null,
      );
      items.forEach((item, i) => {
        products.push(toProduct(item, models[i] ?? null, currency));
      });
    }
    return products;
  }

  async function itemPage(offset: number, size: number, updatedSince?: string) {
    const since = updatedSince ? Math.floor(Date.parse(updatedSince) / 1000) : null;
    const answer = await session.request<{ response?: { item?: Array<{ item_id: number }>; has_next_page?: boolean; next_offset?: number } }>({
      path: '/api/v2/product/get_item_list',
      query: {
        offset,
        page_size: size,
        ...(since !== null ? { update_time_from: since, update_time_to: Math.floor(Date.now() / 1000) + 60 } : {}),
      },
      repeated: { item_status: LISTED },
      idempotent: true,
    });
    const ids = (answer.response?.item ?? []).map((i) => i.item_id);
    const next = answer.response?.has_next_page ? (answer.response.next_offset ?? offset + ids.length) : null;
    return { ids, next };
  }

  async function listProducts(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Product>> {
    const offset = options.cursor ? Number(options.cursor) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new ConnectorError('Not a Shopee item list cursor', { kind: 'rejected' });
    const page = await itemPage(offset, Math.max(1, Math.min(options.limit ?? 50, ITEM_PAGE_MAX)), options.updatedSince);
    return { items: await readItems(page.ids), nextCursor: page.next === null ? null : String(page.next) };
  }

  async function* exportProducts(): AsyncIterable<Product> {
    let offset: number | null = 0;
    while (offset !== null) {
      const page: { ids: number[]; next: number | null } = await itemPage(offset, ITEM_PAGE_MAX);
      yield* await readItems(page.ids);
      offset = page.next;
    }
  }

  async function getProduct(channelId: string): Promise<Product | null> {
    if (!/^\d+$/.test(channelId)) return null;
    try {
      return (await readItems([Number(channelId)]))[0] ?? null;
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** search_item by the parent item_sku Nexo sets on every add_item: finds an item whose create answer was lost. */
  async function findByItemSku(itemSku: string): Promise<number | null> {
    const answer = await session.request<{ response?: { item_id_list?: number[] } }>({
      path: '/api/v2/product/search_item',
      query: { item_sku: itemSku, page_size: 1 },
      idempotent: true,
    });
    return answer.response?.item_id_list?.[0] ?? null;
  }

  async function createProduct(input: ProductInput): Promise<Product> {
    const currency = await session.currency();
    const { config } = session;
    const first = input.variants[0];
    if (!first) throw new ConnectorError('A product needs at least one variant', { kind: 'rejected' });
    const withModels = input.variants.length > 1 || input.variants.some((v) => Object.keys(v.attributes ?? {}).length > 0);
    const itemSku = withModels ? (input.handle ?? first.sku) : first.sku;
    const body = {
      item_name: input.title,
      description: input.description || input.title,
      category_id: input.productType && /^\d+$/.test(input.productType) ? Number(input.productType) : config.categoryId,
      original_price: decimal(Math.min(...input.variants.map((v) => v.price.amount)), currency),
      seller_stock: [{ stock: withModels ? 0 : (first.quantity ?? 0) }],
      item_sku: itemSku,
      item_status: input.status && input.status !== 'active' ? 'UNLIST' : 'NORMAL',
      weight: config.defaultWeightKg,
      image: { image_id_list: [config.defaultImageId] },
      brand: { brand_id: 0, original_brand_name: input.vendor ?? 'NoBrand' },
      logistic_info: [],
    };
    let itemId: number | null = null;
    for (let attempt = 1; itemId === null; attempt++) {
      try {
        itemId =
          (await session.request<{ response?: { item_id?: number } }>({ method: 'POST', path: '/api/v2/product/add_item', body, idempotent: false })).response
            ?.item_id ?? null;
        if (itemId === null) throw new ConnectorError('Shopee add_item answered without an item_id', { kind: 'protocol' });
      } catch (error) {
        if (!isAmbiguous(error) || attempt >= 4) throw error;
        // The answer was lost: the item may exist. Shopee has no idempotency key; the parent SKU finds it.
        itemId = await findByItemSku(itemSku);
      }
    }
    if (withModels) {
      const names = [...new Set(input.variants.flatMap((v) => Object.keys(v.attributes ?? {})))].slice(0, 2);
      const tiers = names.map((name) => ({ name, options: [...new Set(input.variants.map((v) => v.attributes?.[name] ?? '-'))] }));
      const tierBody = {
        item_id: itemId,
        tier_variation: tiers.map((t) => ({ name: t.name, option_list: t.options.map((option) => ({ option })) })),
        model: input.variants.map((v) => ({
          tier_index: tiers.map((t) => t.options.indexOf(v.attributes?.[t.name] ?? '-')),
          model_sku: v.sku,
          original_price: decimal(v.price.amount, currency),
          seller_stock: [{ stock: v.quantity ?? 0 }],
        })),
      };
      try {
        await session.request({ method: 'POST', path: '/api/v2/product/init_tier_variation', body: tierBody, idempotent: false });
      } catch (error) {
        if (!isAmbiguous(error)) throw error; // a lost answer: the read-back below tells whether the models exist
      }
    }
    const product = await getProduct(String(itemId));
    if (!product) throw notApplied(`creating "${input.title}"`);
    const skus = product.variants.map((v) => v.sku).sort();
    if (JSON.stringify(skus) !== JSON.stringify(input.variants.map((v) => v.sku).sort())) throw notApplied(`creating "${input.title}"`, { skus });
    return product;
  }

  async function updateProduct(input: ProductUpdate): Promise<Product> {
    const itemId = itemIdOf(input.channelId);
    const body: Record<string, unknown> = { item_id: itemId };
    if (input.title !== undefined) body.item_name = input.title;
    if (input.description !== undefined) body.description = input.description;
    if (input.status !== undefined) body.item_status = input.status === 'active' ? 'NORMAL' : 'UNLIST';
    if (Object.keys(body).length > 1) await session.request({ method: 'POST', path: '/api/v2/product/update_item', body, idempotent: true });
    const product = await getProduct(input.channelId);
    if (!product) throw new ConnectorError(`Shopee item ${input.channelId} not found`, { kind: 'not_found' });
    const wantedStatus = input.status === undefined ? undefined : input.status === 'active' ? 'active' : 'draft';
    if (
      (input.title !== undefined && product.title !== input.title) ||
      (wantedStatus !== undefined && product.status !== wantedStatus) ||
      (input.description !== undefined && product.description !== input.description)
    )
      throw notApplied(`updating ${input.channelId}`);
    return product;
  }

  async function deleteProduct(channelId: string): Promise<void> {
    if (!/^\d+$/.test(channelId)) return;
    try {
      await session.request({ method: 'POST', path: '/api/v2/product/delete_item', body: { item_id: Number(channelId) }, idempotent: true });
    } catch (error) {
      if (!(isConnectorError(error) && error.kind === 'not_found')) throw error;
    }
    if (await getProduct(channelId)) throw notApplied(`deleting ${channelId}`);
  }

  function assertNoFailures(answer: { response?: FailureList }, what: string) {
    const failures = answer.response?.failure_list ?? [];
    if (failures.length > 0)
      throw new ConnectorError(`Shopee refused ${what}: ${failures.map((f) => `model ${f.model_id ?? 0}: ${f.failed_reason ?? 'failed'}`).join('; ')}`, {
        kind: 'rejected',
        details: { failures },
      });
  }

  async function updatePrices(updates: PriceUpdate[]): Promise<void> {
    const byItem = new Map<number, Array<{ model_id: number; original_price: number }>>();
    for (const update of updates) {
      const itemId = itemIdOf(update.channelProductId);
      const modelId = update.channelVariantId === update.channelProductId ? 0 : Number(update.channelVariantId);
      byItem.set(itemId, [...(byItem.get(itemId) ?? []), { model_id: modelId, original_price: decimal(update.price.amount, update.price.currency) }]);
    }
    for (const [itemId, priceList] of byItem) {
      const answer = await session.request<{ response?: FailureList }>({
        method: 'POST',
        path: '/api/v2/product/update_price',
        body: { item_id: itemId, price_list: priceList },
        idempotent: true,
      });
      assertNoFailures(answer, `the prices of item ${itemId}`);
    }
    const after = await readItems([...byItem.keys()]);
    for (const update of updates) {
      const variant = after.find((p) => p.channelId === update.channelProductId)?.variants.find((v) => v.channelId === update.channelVariantId);
      if (variant?.price.amount !== update.price.amount) throw notApplied(`the price of ${update.channelVariantId}`, { expected: update.price.amount });
    }
  }

  async function getInventory(ids: string[]): Promise<InventoryLevel[]> {
    const items = await readItems([...new Set(ids.map((id) => parseStockId(id).itemId))]);
    return items.flatMap((product) =>
      product.variants
        .filter((v) => v.inventoryItemId !== null && ids.includes(v.inventoryItemId))
        .map((v) => ({ inventoryItemId: v.inventoryItemId as string, sku: v.sku || null, locationId: null, available: v.quantity ?? 0 })),
    );
  }

  async function setInventory(levels: InventorySet[]): Promise<InventoryLevel[]> {
    const byItem = new Map<number, Array<{ model_id: number; seller_stock: Array<{ stock: number }> }>>();
    for (const level of levels) {
      const { itemId, modelId } = parseStockId(level.inventoryItemId);
      byItem.set(itemId, [...(byItem.get(itemId) ?? []), { model_id: modelId, seller_stock: [{ stock: level.available }] }]);
    }
    for (const [itemId, stockList] of byItem) {
      const answer = await session.request<{ response?: FailureList }>({
        method: 'POST',
        path: '/api/v2/product/update_stock',
        body: { item_id: itemId, stock_list: stockList },
        idempotent: true,
      });
      assertNoFailures(answer, `the stock of item ${itemId}`);
    }
    const after = await getInventory(levels.map((l) => l.inventoryItemId));
    const wrong = levels.filter((l) => after.find((a) => a.inventoryItemId === l.inventoryItemId)?.available !== l.available);
    if (wrong.length > 0) throw notApplied(`stock of ${wrong.map((w) => w.inventoryItemId).join(', ')}`, { expected: wrong });
    return after;
  }

  return { listProducts, getProduct, createProduct, updateProduct, deleteProduct, updatePrices, exportProducts, getInventory, setInventory };
}
