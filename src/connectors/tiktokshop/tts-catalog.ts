import type { InventoryLevel, InventorySet, Page, PriceUpdate, Product, ProductInput, ProductUpdate } from '../../contracts/connectors.ts';
import { productInputSchema } from '../../contracts/connectors.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import { paginate } from '../sdk/http.ts';
import { parseInventoryItemId, quantityOf, type TtsProduct, toProduct } from './mappers.ts';
import type { TtsSession } from './tts-session.ts';

/** TikTok's largest page for product and order searches. */
export const PAGE_MAX = 100;
const P = '/product/202309/products';

interface SearchAnswer {
  products?: TtsProduct[];
  next_page_token?: string;
  total_count?: number;
}

const byMinor = (amount: number, currency: string) => ({ amount: fromMinorUnits(amount, currency), currency });

/** Products: search (page_token pages, update_time_ge), detail, create, partial edit, (de)activate, delete, prices, inventory. */
export function catalogMethods(session: TtsSession) {
  async function search(body: Record<string, unknown>, cursor: string | null | undefined, limit: number): Promise<SearchAnswer> {
    return session.request<SearchAnswer>({
      method: 'POST',
      path: `${P}/search`,
      query: { page_size: Math.max(1, Math.min(limit, PAGE_MAX)), page_token: cursor || undefined },
      body,
      shop: true,
      idempotent: true,
    });
  }

  async function listProducts(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Product>> {
    const body = options.updatedSince ? { update_time_ge: Math.floor(Date.parse(options.updatedSince) / 1000) } : {};
    const answer = await search(body, options.cursor, options.limit ?? 50);
    return { items: (answer.products ?? []).map(toProduct), nextCursor: answer.next_page_token || null };
  }

  async function getProduct(channelId: string): Promise<Product | null> {
    const raw = await getRaw(channelId);
    return raw ? toProduct(raw) : null;
  }

  async function getRaw(channelId: string): Promise<TtsProduct | null> {
    if (!/^\d+$/.test(channelId)) return null;
    try {
      const product = await session.request<TtsProduct>({ path: `${P}/${channelId}`, shop: true, idempotent: true });
      return product.status === 'DELETED' ? null : product;
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  let warehouse: Promise<string> | null = null;
  /** The default sales warehouse (config.warehouseId, else /logistics/202309/warehouses). */
  function warehouseId(): Promise<string> {
    if (session.config.warehouseId) return Promise.resolve(session.config.warehouseId);
    warehouse ??= session
      .request<{ warehouses?: Array<{ id: string; is_default?: boolean; type?: string }> }>({
        path: '/logistics/202309/warehouses',
        shop: true,
        idempotent: true,
      })
      .then((data) => {
        const list = (data.warehouses ?? []).filter((w) => w.type !== 'RETURN_WAREHOUSE');
        const found = list.find((w) => w.is_default) ?? list[0];
        if (!found) throw new ConnectorError('TikTok Shop: the shop has no sales warehouse', { kind: 'rejected' });
        return found.id;
      });
    warehouse.catch(() => {
      warehouse = null;
    });
    return warehouse;
  }

  /** A create whose answer was lost: the product that carries every SKU of the input. */
  async function findBySkus(skus: string[]): Promise<Product | null> {
    const answer = await search({ seller_skus: skus }, null, 20);
    const found = (answer.products ?? []).find((p) => skus.every((sku) => p.skus.some((s) => s.seller_sku === sku)));
    return found ? getProduct(found.id) : null;
  }

  async function createProduct(raw: ProductInput): Promise<Product> {
    const input = productInputSchema.parse(raw);
    const skus = input.variants.map((v) => v.sku);
    const existing = await findBySkus(skus);
    if (existing) return existing;
    const warehouse_id = await warehouseId();
    const body = {
      title: input.title,
      description: input.description,
      category_id: session.config.categoryId,
      main_images: input.images.map((image) => ({ uri: image.url })),
      save_mode: input.status === 'active' ? 'LISTING' : 'AS_DRAFT',
      skus: input.variants.map((v) => ({
        seller_sku: v.sku,
        price: byMinor(v.price.amount, v.price.currency),
        ...(v.compareAtPrice ? { list_price: byMinor(v.compareAtPrice.amount, v.compareAtPrice.currency) } : {}),
        inventory: [{ warehouse_id, quantity: v.quantity ?? 0 }],
        sales_attributes: Object.entries(v.attributes).map(([name, value_name]) => ({ name, value_name })),
      })),
    };
    let productId: string;
    try {
      productId = (await session.request<{ product_id: string }>({ method: 'POST', path: P, body, shop: true, idempotent: false })).product_id;
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable) throw error;
      // The answer was lost: the product may exist anyway (found by its SKUs), else the create is resent once.
      const landed = await findBySkus(skus);
      if (landed) return landed;
      productId = (await session.request<{ product_id: string }>({ method: 'POST', path: P, body, shop: true, idempotent: false })).product_id;
    }
    const created = await getProduct(productId);
    if (!created) throw new ConnectorError(`TikTok Shop created product ${productId} but it cannot be read back`, { kind: 'write_not_applied' });
    return created;
  }

  async function updateProduct(input: ProductUpdate): Promise<Product> {
    const edit: Record<string, unknown> = {};
    if (input.title !== undefined) edit.title = input.title;
    if (input.description !== undefined) edit.description = input.description;
    if (Object.keys(edit).length > 0)
      await session.request({ method: 'POST', path: `${P}/${input.channelId}/partial_edit`, body: edit, shop: true, idempotent: true });
    if (input.status !== undefined)
      await session.request({
        method: 'POST',
        path: `${P}/${input.status === 'active' ? 'activate' : 'deactivate'}`,
        body: { product_ids: [input.channelId] },
        shop: true,
        idempotent: true,
      });
    const after = await getProduct(input.channelId);
    if (!after) throw new ConnectorError(`TikTok Shop product ${input.channelId} not found`, { kind: 'not_found' });
    if ((input.title !== undefined && after.title !== input.title) || (input.status !== undefined && after.status !== input.status))
      throw new ConnectorError(`TikTok Shop accepted the edit of ${input.channelId} but the product did not change`, { kind: 'write_not_applied' });
    return after;
  }

  async function deleteProduct(channelId: string): Promise<void> {
    if (!(await getRaw(channelId))) return;
    await session.request({ method: 'DELETE', path: P, body: { product_ids: [channelId] }, shop: true, idempotent: true });
  }

  async function updatePrices(updates: PriceUpdate[]): Promise<void> {
    const byProduct = Map.groupBy(updates, (u) => u.channelProductId);
    for (const [productId, list] of byProduct) {
      await session.request({
        method: 'POST',
        path: `${P}/${productId}/prices/update`,
        body: { skus: list.map((u) => ({ id: u.channelVariantId, price: byMinor(u.price.amount, u.price.currency) })) },
        shop: true,
        idempotent: true,
      });
      const after = await getProduct(productId);
      const wrong = list.filter((u) => after?.variants.find((v) => v.channelId === u.channelVariantId)?.price.amount !== u.price.amount);
      if (wrong.length > 0)
        throw new ConnectorError(`TikTok Shop accepted new prices for ${productId} but ${wrong.length} SKU(s) kept the old one`, { kind: 'write_not_applied' });
    }
  }

  async function getInventory(ids: string[]): Promise<InventoryLevel[]> {
    const parsed = ids.map(parseInventoryItemId);
    const levels: InventoryLevel[] = [];
    for (const productId of new Set(parsed.map((p) => p.productId))) {
      const product = await getRaw(productId);
      for (const { skuId } of parsed.filter((p) => p.productId === productId)) {
        const sku = product?.skus.find((s) => s.id === skuId);
        if (sku)
          levels.push({
            inventoryItemId: `${productId}:${skuId}`,
            sku: sku.seller_sku ?? null,
            locationId: sku.inventory?.[0]?.warehouse_id ?? null,
            available: quantityOf(sku),
          });
      }
    }
    return levels;
  }

  /** POST /product/202309/products/{id}/inventory/update per product (one warehouse per SKU), then read back. */
  async function setInventory(targets: InventorySet[]): Promise<InventoryLevel[]> {
    const parsed = targets.map((t) => ({ ...t, ...parseInventoryItemId(t.inventoryItemId) }));
    for (const [productId, list] of Map.groupBy(parsed, (t) => t.productId)) {
      const fallback = list.some((t) => !t.locationId) ? await warehouseId() : '';
      await session.request({
        method: 'POST',
        path: `${P}/${productId}/inventory/update`,
        body: { skus: list.map((t) => ({ id: t.skuId, inventory: [{ warehouse_id: t.locationId ?? fallback, quantity: t.available }] })) },
        shop: true,
        idempotent: true,
      });
    }
    const levels = await getInventory(targets.map((t) => t.inventoryItemId));
    const wrong = targets.filter((t) => levels.find((l) => l.inventoryItemId === t.inventoryItemId)?.available !== t.available);
    if (wrong.length > 0)
      throw new ConnectorError(`TikTok Shop accepted the stock update but ${wrong.length} SKU(s) read back differently`, { kind: 'write_not_applied' });
    return levels;
  }

  async function* exportProducts(): AsyncIterable<Product> {
    yield* paginate((cursor) => listProducts({ cursor, limit: PAGE_MAX }));
  }

  return { listProducts, getProduct, createProduct, updateProduct, deleteProduct, updatePrices, getInventory, setInventory, exportProducts };
}
