import type { InventoryLevel, InventorySet, Page, PriceUpdate, Product, ProductInput, ProductUpdate } from '../../contracts/connectors.ts';
import { mapInFlight } from '../../lib/in-flight.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import { type FeedMessage, submitListingsFeed } from './amazon-feeds.ts';
import { type AmazonSession, chunk } from './amazon-session.ts';
import { childSkusOf, ITEM_DATA, isFba, isParent, parentSkuOf, priceOf, quantityOf, type SpListingsItem, toProduct } from './mappers.ts';

/**
 * Listings Items API 2021-08-01: a Nexo product is a standalone SKU or a parent SKU with its child SKUs
 * (a variation family). Writes answer ACCEPTED and are applied asynchronously, so every write is read
 * back (searchListingsItems by SKU, 20 a call), retried `verifyAttempts` times before `write_not_applied`.
 */
const PAGE_MAX = 20;
const encodeCursor = (at: { t: string | null; i: number }) => Buffer.from(JSON.stringify(at)).toString('base64url');
function decodeCursor(cursor: string | null | undefined): { t: string | null; i: number } {
  if (!cursor) return { t: null, i: 0 };
  try {
    const at = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown };
    if ((typeof at.t === 'string' || at.t === null) && Number.isInteger(at.i) && (at.i as number) >= 0) return { t: at.t, i: at.i as number };
  } catch {
    // fall through
  }
  throw new ConnectorError('Not an Amazon listings cursor', { kind: 'rejected' });
}
type Patch = { op: 'replace' | 'delete' | 'add'; path: string; value?: unknown[] };
interface WriteAnswer {
  sku: string;
  status: 'ACCEPTED' | 'INVALID';
  issues?: Array<{ code: string; message: string; severity: string }>;
}

export function catalogMethods(session: AmazonSession) {
  const { config } = session;
  const currency = session.currency();
  const m = config.marketplaceId;
  const itemsPath = (sku?: string) =>
    `/listings/2021-08-01/items/${encodeURIComponent(config.sellerId)}${sku === undefined ? '' : `/${encodeURIComponent(sku)}`}`;

  const search = (query: Record<string, string | number | undefined>) =>
    session.request<{ items: SpListingsItem[]; pagination?: { nextToken?: string } }>('searchListingsItems', {
      path: itemsPath(),
      query: { marketplaceIds: m, includedData: ITEM_DATA, ...query },
      idempotent: true,
    });

  async function getItem(sku: string): Promise<SpListingsItem | null> {
    try {
      return await session.request<SpListingsItem>('getListingsItem', {
        path: itemsPath(sku),
        query: { marketplaceIds: m, includedData: ITEM_DATA },
        idempotent: true,
      });
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  async function childrenOf(parentSku: string): Promise<SpListingsItem[]> {
    const children: SpListingsItem[] = [];
    let pageToken: string | undefined;
    do {
      const page = await search({ variationParentSku: parentSku, pageSize: PAGE_MAX, pageToken });
      children.push(...page.items);
      pageToken = page.pagination?.nextToken;
    } while (pageToken);
    return children;
  }

  /** Reads SKUs by identifier, 20 a call. */
  async function readSkus(skus: string[]): Promise<Map<string, SpListingsItem>> {
    const found = new Map<string, SpListingsItem>();
    for (const group of chunk([...new Set(skus)], PAGE_MAX)) {
      const page = await search({ identifiers: group.join(','), identifiersType: 'SKU', pageSize: PAGE_MAX });
      for (const item of page.items) found.set(item.sku, item);
    }
    return found;
  }

  /** A parent with its children (those already read are reused, the others read by SKU), or a standalone SKU. */
  async function productOf(item: SpListingsItem, known: Map<string, SpListingsItem> = new Map()): Promise<Product> {
    if (!isParent(item)) return toProduct(item, [], currency);
    const childSkus = childSkusOf(item);
    if (childSkus === null) return toProduct(item, await childrenOf(item.sku), currency);
    const missing = childSkus.filter((sku) => !known.has(sku));
    const read = missing.length > 0 ? await readSkus(missing) : new Map<string, SpListingsItem>();
    const children = childSkus.map((sku) => known.get(sku) ?? read.get(sku)).filter((c): c is SpListingsItem => c !== undefined);
    return toProduct(item, children, currency);
  }

  async function getProduct(channelId: string): Promise<Product | null> {
    const item = await getItem(channelId);
    if (!item) return null;
    const parent = !isParent(item) ? parentSkuOf(item) : null;
    // A child is part of its parent's product; an orphan (its parent was deleted) is a product of its own.
    return (parent ? await getProduct(parent) : null) ?? productOf(item);
  }

  /**
   * Products in the order searchListingsItems returns SKUs (20 a call). Children are read with their parent,
   * so a page of SKUs holds fewer products: the cursor is the page token plus the position in that page.
   */
  async function listProducts(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Product>> {
    const want = Math.max(1, Math.min(options.limit ?? PAGE_MAX, 100));
    let at = decodeCursor(options.cursor);
    const products: Product[] = [];
    const seen = new Set<string>();
    const parentExists = new Map<string, boolean>();
    for (;;) {
      const page = await search({
        pageSize: PAGE_MAX,
        pageToken: at.t ?? undefined,
        lastUpdatedAfter: options.updatedSince ? new Date(options.updatedSince).toISOString() : undefined,
      });
      const bySku = new Map(page.items.map((item) => [item.sku, item]));
      let i = at.i;
      for (; i < page.items.length && products.length < want; i++) {
        const item = page.items[i] as SpListingsItem;
        const parent = isParent(item) ? null : parentSkuOf(item);
        // A child comes with its parent: in a full listing the parent is listed too (unless it was deleted: then the
        // orphan child is a product of its own), in an incremental one it may not be.
        let root = item;
        if (parent && !options.updatedSince) {
          if (bySku.has(parent)) continue;
          if (!parentExists.has(parent)) parentExists.set(parent, (await getItem(parent)) !== null);
          if (parentExists.get(parent)) continue;
        } else if (parent) root = bySku.get(parent) ?? (await getItem(parent)) ?? item;
        if (seen.has(root.sku)) continue;
        seen.add(root.sku);
        products.push(await productOf(root, bySku));
      }
      const next = page.pagination?.nextToken ?? null;
      if (i < page.items.length) return { items: products, nextCursor: encodeCursor({ t: at.t, i }) };
      if (!next) return { items: products, nextCursor: null };
      at = { t: next, i: 0 };
      if (products.length >= want) return { items: products, nextCursor: encodeCursor(at) };
    }
  }

  async function* exportProducts(): AsyncIterable<Product> {
    let cursor: string | null = null;
    do {
      const page: Page<Product> = await listProducts({ cursor, limit: 100 });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  function refuse(answer: WriteAnswer): never {
    const issues = (answer.issues ?? []).filter((i) => i.severity === 'ERROR');
    throw new ConnectorError(`Amazon refused SKU ${answer.sku}: ${issues.map((i) => `${i.code} ${i.message}`).join('; ')}`, {
      kind: 'rejected',
      details: { sku: answer.sku, issues },
    });
  }

  async function put(sku: string, productType: string, attributes: Record<string, unknown[]>): Promise<void> {
    const answer = await session.request<WriteAnswer>('putListingsItem', {
      method: 'PUT',
      path: itemsPath(sku),
      query: { marketplaceIds: m },
      body: { productType, requirements: 'LISTING', attributes },
      idempotent: true,
    });
    if (answer.status !== 'ACCEPTED') refuse(answer);
  }

  async function patch(sku: string, patches: Patch[]): Promise<void> {
    const answer = await session.request<WriteAnswer>('patchListingsItem', {
      method: 'PATCH',
      path: itemsPath(sku),
      query: { marketplaceIds: m },
      body: { productType: config.productType, patches },
      idempotent: true,
    });
    if (answer.status !== 'ACCEPTED') refuse(answer);
  }

  /** Polls the read-back until `check` holds for every SKU (Amazon applies accepted writes asynchronously). */
  async function verify(skus: string[], check: (sku: string, item: SpListingsItem | undefined) => boolean, what: string): Promise<Map<string, SpListingsItem>> {
    let pending = skus;
    let found = new Map<string, SpListingsItem>();
    for (let attempt = 1; ; attempt++) {
      const read = await readSkus(pending);
      found = new Map([...found, ...read]);
      pending = pending.filter((sku) => !check(sku, read.get(sku)));
      if (pending.length === 0) return found;
      if (attempt >= config.verifyAttempts)
        throw new ConnectorError(`Amazon accepted the ${what} but ${pending.length} SKU(s) read back unchanged (${pending.slice(0, 5).join(', ')})`, {
          kind: 'write_not_applied',
          details: { skus: pending },
        });
      await session.wait(config.verifyDelayMs, session.context.signal);
    }
  }

  /** PATCHes one SKU at a time (a few in flight, each paced by its bucket), or one JSON_LISTINGS_FEED above the threshold. */
  async function patchMany(changes: Array<{ sku: string; patches: Patch[] }>): Promise<void> {
    if (changes.length > config.bulkFeedThreshold) {
      for (const group of chunk(changes, 10_000)) {
        const messages: FeedMessage[] = group.map((c) => ({ sku: c.sku, operationType: 'PATCH', productType: config.productType, patches: c.patches }));
        const outcome = await submitListingsFeed(session, messages);
        if (outcome.rejected.size > 0) {
          const [sku, issues] = [...outcome.rejected][0] as [string, string[]];
          throw new ConnectorError(`Amazon refused ${outcome.rejected.size} SKU(s) of feed ${outcome.feedId}, e.g. ${sku}: ${issues.join('; ')}`, {
            kind: 'rejected',
            details: { feedId: outcome.feedId, rejected: Object.fromEntries(outcome.rejected) },
          });
        }
      }
      return;
    }
    await mapInFlight(changes, 8, (change) => patch(change.sku, change.patches));
  }

  const offer = (amount: number) => [
    { marketplace_id: m, currency, our_price: [{ schedule: [{ value_with_tax: Number(fromMinorUnits(amount, currency)) }] }] },
  ];
  const text = (value: string) => [{ value, language_tag: session.language(), marketplace_id: m }];

  async function setInventory(levels: InventorySet[]): Promise<InventoryLevel[]> {
    const wanted = new Map(levels.map((l) => [l.inventoryItemId, l.available]));
    await patchMany(
      [...wanted].map(([sku, quantity]) => ({
        sku,
        patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity }] }],
      })),
    );
    const read = await verify([...wanted.keys()], (sku, item) => item !== undefined && !isFba(item) && quantityOf(item) === wanted.get(sku), 'stock change');
    return [...wanted.keys()].map((sku) => ({ inventoryItemId: sku, sku, locationId: 'DEFAULT', available: quantityOf(read.get(sku) as SpListingsItem) ?? 0 }));
  }

  async function getInventory(skus: string[]): Promise<InventoryLevel[]> {
    const read = await readSkus(skus);
    return [...read.values()].map((item) => ({
      inventoryItemId: item.sku,
      sku: item.sku,
      locationId: item.fulfillmentAvailability?.[0]?.fulfillmentChannelCode ?? 'DEFAULT',
      available: quantityOf(item) ?? 0,
    }));
  }

  async function updatePrices(updates: PriceUpdate[]): Promise<void> {
    const wanted = new Map(updates.map((u) => [u.channelVariantId, u.price.amount]));
    await patchMany([...wanted].map(([sku, amount]) => ({ sku, patches: [{ op: 'replace', path: '/attributes/purchasable_offer', value: offer(amount) }] })));
    await verify(
      [...wanted.keys()],
      (sku, item) => item !== undefined && item.offers?.[0] !== undefined && priceOf(item, currency) === wanted.get(sku),
      'price change',
    );
  }

  async function createProduct(input: ProductInput): Promise<Product> {
    const productType = input.productType ?? config.productType;
    const common = {
      item_name: text(input.title),
      product_description: text(input.description ?? ''),
      ...(input.vendor ? { brand: [{ value: input.vendor, marketplace_id: m }] } : {}),
      ...Object.fromEntries(
        (input.images ?? []).map((image, i) => [
          i === 0 ? 'main_product_image_locator' : `other_product_image_locator_${i}`,
          [{ media_location: image.url, marketplace_id: m }],
        ]),
      ),
    };
    const variantAttributes = (v: ProductInput['variants'][number]) => ({
      purchasable_offer: offer(v.price.amount),
      fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity: v.quantity ?? 0 }],
      ...(v.attributes?.Color ? { color: [{ value: v.attributes.Color, marketplace_id: m }] } : {}),
      ...(v.attributes?.Size ? { size: [{ value: v.attributes.Size, marketplace_id: m }] } : {}),
    });
    const [first] = input.variants;
    if (!first) throw new ConnectorError('A product needs at least one variant', { kind: 'rejected' });
    // PUT replaces the whole item: a create retried after a lost answer writes the same SKUs again, nothing more.
    if (input.variants.length === 1) {
      await put(first.sku, productType, { ...common, ...variantAttributes(first) });
      return mustRead(first.sku, 1);
    }
    const parentSku = input.handle ?? `${first.sku}-PARENT`;
    await put(parentSku, productType, { ...common, parentage_level: [{ value: 'parent', marketplace_id: m }], variation_theme: [{ name: 'COLOR/SIZE' }] });
    for (const v of input.variants) {
      const name = [input.title, ...Object.values(v.attributes ?? {})].join(' - ');
      await put(v.sku, productType, {
        ...common,
        item_name: text(v.title ?? name),
        child_parent_sku_relationship: [{ child_relationship_type: 'variation', parent_sku: parentSku, marketplace_id: m }],
        ...variantAttributes(v),
      });
    }
    return mustRead(parentSku, input.variants.length);
  }

  async function mustRead(sku: string, variants: number): Promise<Product> {
    for (let attempt = 1; ; attempt++) {
      const product = await getProduct(sku);
      if (product && product.variants.length >= variants) return product;
      if (attempt >= config.verifyAttempts) throw new ConnectorError(`Amazon accepted SKU ${sku} but it does not read back`, { kind: 'write_not_applied' });
      await session.wait(config.verifyDelayMs, session.context.signal);
    }
  }

  async function updateProduct(input: ProductUpdate): Promise<Product> {
    const current = await getProduct(input.channelId);
    if (!current || current.channelId !== input.channelId) throw new ConnectorError(`Amazon: no product ${input.channelId}`, { kind: 'not_found' });
    const own: Patch[] = [];
    if (input.title !== undefined) own.push({ op: 'replace', path: '/attributes/item_name', value: text(input.title) });
    if (input.description !== undefined) own.push({ op: 'replace', path: '/attributes/product_description', value: text(input.description) });
    if (input.vendor !== undefined) own.push({ op: 'replace', path: '/attributes/brand', value: [{ value: input.vendor, marketplace_id: m }] });
    if (own.length > 0) await patch(input.channelId, own);
    // No draft state on Amazon: a product is taken off sale by removing its offers, put back by giving them a price.
    if (input.status !== undefined && input.status !== current.status) {
      if (input.status === 'active') {
        const priced = current.variants.filter((v) => v.price.amount > 0);
        if (priced.length === 0) throw new ConnectorError('Amazon needs a price to put the offer back on sale: use updatePrices', { kind: 'rejected' });
        await patchMany(priced.map((v) => ({ sku: v.sku, patches: [{ op: 'replace', path: '/attributes/purchasable_offer', value: offer(v.price.amount) }] })));
      } else await patchMany(current.variants.map((v) => ({ sku: v.sku, patches: [{ op: 'delete', path: '/attributes/purchasable_offer' }] })));
    }
    for (let attempt = 1; ; attempt++) {
      const product = await getProduct(input.channelId);
      const applied =
        product &&
        (input.title === undefined || product.title === input.title) &&
        (input.status === undefined || product.status === (input.status === 'active' ? 'active' : 'draft'));
      if (product && applied) return product;
      if (attempt >= config.verifyAttempts)
        throw new ConnectorError(`Amazon accepted the update of ${input.channelId} but it does not read back`, { kind: 'write_not_applied' });
      await session.wait(config.verifyDelayMs, session.context.signal);
    }
  }

  async function remove(sku: string): Promise<void> {
    try {
      await session.request('deleteListingsItem', { method: 'DELETE', path: itemsPath(sku), query: { marketplaceIds: m }, idempotent: true });
    } catch (error) {
      if (!(isConnectorError(error) && error.kind === 'not_found')) throw error;
    }
  }

  async function deleteProduct(channelId: string): Promise<void> {
    const item = await getItem(channelId);
    if (!item) return;
    if (isParent(item)) for (const child of await childrenOf(channelId)) await remove(child.sku);
    await remove(channelId);
  }

  return { listProducts, getProduct, exportProducts, createProduct, updateProduct, deleteProduct, updatePrices, setInventory, getInventory };
}
