import { z } from 'zod';
import type { EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { hasVariations, mlError, renderItem, soldQuantity, toMinor } from './ml-render.ts';
import { itemId, mlStateOf, parseItemId, VARIATION_BASE } from './ml-state.ts';

/** `/items` as ML documents it: POST create, PUT update, GET one, multiget (`?ids=`, at most 20), descriptions. */
export const MULTIGET_MAX = 20;
export const TITLE_MAX = 60;

export interface ItemWriteContext {
  shop: EmuShop;
  now: Date;
  /** True when the dropWrites fault swallows this write (answered as if applied). */
  dropWrite(): boolean;
  notify(topic: string, resource: string): void;
}

const json = (status: number, body: unknown): EmuResponse => ({ status, body });
const validation = (code: string, message: string) =>
  json(400, mlError(400, 'validation_error', 'Validation error', [{ code, message, type: 'error', department: 'items', cause_id: 0, references: [] }]));

const skuOf = (attributes: Array<{ id?: string; value_name?: string | null }> | undefined) =>
  attributes?.find((a) => a.id === 'SELLER_SKU')?.value_name ?? undefined;

const attributeSchema = z.looseObject({ id: z.string().optional(), name: z.string().optional(), value_name: z.string().nullable().optional() });
const createSchema = z.looseObject({
  title: z.string().min(1),
  category_id: z.string().min(1),
  price: z.number().positive(),
  currency_id: z.string(),
  available_quantity: z.number().int().min(0),
  buying_mode: z.string(),
  listing_type_id: z.string(),
  condition: z.string(),
  pictures: z.array(z.looseObject({ source: z.string() })).default([]),
  attributes: z.array(attributeSchema).default([]),
  seller_custom_field: z.string().nullable().optional(),
  description: z.looseObject({ plain_text: z.string() }).optional(),
  variations: z
    .array(
      z.looseObject({
        price: z.number().positive(),
        available_quantity: z.number().int().min(0),
        attribute_combinations: z.array(attributeSchema).min(1),
        attributes: z.array(attributeSchema).default([]),
        seller_custom_field: z.string().nullable().optional(),
      }),
    )
    .default([]),
});

const updateSchema = z.looseObject({
  title: z.string().min(1).optional(),
  price: z.number().positive().optional(),
  available_quantity: z.number().int().min(0).optional(),
  status: z.enum(['active', 'paused', 'closed']).optional(),
  deleted: z.union([z.boolean(), z.literal('true')]).optional(),
  variations: z
    .array(
      z.looseObject({ id: z.union([z.number(), z.string()]), price: z.number().positive().optional(), available_quantity: z.number().int().min(0).optional() }),
    )
    .optional(),
});

function issuesOf(error: z.ZodError) {
  return json(
    400,
    mlError(
      400,
      'validation_error',
      'Validation error',
      error.issues.map((issue) => ({ code: `item.${issue.path.join('.')}.invalid`, message: issue.message, type: 'error' })),
    ),
  );
}

export function productOfItem(shop: EmuShop, id: string): EmuProduct | null {
  const productId = parseItemId(id);
  return productId === null ? null : (shop.products.get(productId) ?? null);
}

const notFound = (id: string) => json(404, mlError(404, 'not_found', `Item with id ${id} not found`));

export function getItem(shop: EmuShop, id: string): EmuResponse {
  const product = productOfItem(shop, id);
  return product ? json(200, renderItem(shop, mlStateOf(shop), product)) : notFound(id);
}

export function multiget(shop: EmuShop, ids: string | null): EmuResponse {
  const list = (ids ?? '').split(',').filter(Boolean);
  if (list.length === 0) return json(400, mlError(400, 'bad_request', 'ids is required'));
  if (list.length > MULTIGET_MAX) return json(400, mlError(400, 'bad_request', `The number of ids must be less than or equal to ${MULTIGET_MAX}`));
  const state = mlStateOf(shop);
  return json(
    200,
    list.map((id) => {
      const product = productOfItem(shop, id);
      return product ? { code: 200, body: renderItem(shop, state, product) } : { code: 404, body: mlError(404, 'not_found', `Item with id ${id} not found`) };
    }),
  );
}

export function createItem(context: ItemWriteContext, body: unknown): EmuResponse {
  const { shop, now } = context;
  const parsed = createSchema.safeParse(body);
  if (!parsed.success) return issuesOf(parsed.error);
  const input = parsed.data;
  if (input.title.length > TITLE_MAX) return validation('item.title.length.invalid', `title must have at most ${TITLE_MAX} characters`);
  if (input.currency_id !== shop.currency) return validation('item.currency_id.invalid', `currency_id must be ${shop.currency}`);
  const id = shop.nextId();
  const at = now.toISOString();
  const brand = input.attributes.find((a) => a.id === 'BRAND')?.value_name ?? '';
  const rows =
    input.variations.length > 0
      ? input.variations.map((v) => ({
          price: v.price,
          quantity: v.available_quantity,
          sku: skuOf(v.attributes) ?? v.seller_custom_field ?? '',
          options: Object.fromEntries(v.attribute_combinations.map((c) => [c.name ?? c.id ?? 'Option', c.value_name ?? ''])),
        }))
      : [{ price: input.price, quantity: input.available_quantity, sku: skuOf(input.attributes) ?? input.seller_custom_field ?? '', options: {} }];
  const variants: EmuVariant[] = rows.map((row) => {
    const inventoryItemId = shop.nextId();
    shop.stock.set(inventoryItemId, row.quantity);
    return {
      id: shop.nextId(),
      productId: id,
      sku: row.sku,
      title: Object.values(row.options).join(' / ') || input.title,
      priceMinor: toMinor(row.price),
      compareAtMinor: null,
      options: row.options,
      inventoryItemId,
      priceUpdatedAt: at,
    };
  });
  const product: EmuProduct = {
    id,
    title: input.title,
    description: input.description?.plain_text ?? '',
    vendor: brand ?? '',
    productType: input.category_id,
    status: 'active',
    tags: [],
    handle: itemId(id),
    images: input.pictures.map((p) => ({ url: p.source, alt: null })),
    videos: 0,
    attributes: {},
    variants,
    createdAt: at,
    updatedAt: at,
  };
  shop.products.set(id, product);
  if (input.description) mlStateOf(shop).descriptions.set(id, { plainText: input.description.plain_text, updatedAt: at });
  context.notify('items', `/items/${itemId(id)}`);
  return json(201, renderItem(shop, mlStateOf(shop), product));
}

/** Applies a PUT to `product` in place (the caller passes a clone when the write is to be dropped). */
function applyUpdate(shop: EmuShop, product: EmuProduct, input: z.infer<typeof updateSchema>, at: string): EmuResponse | null {
  if (input.deleted !== undefined) {
    if (product.status !== 'archived') return validation('item.deleted.invalid', 'only closed items can be deleted');
    return null;
  }
  if (product.status === 'archived' && input.status !== 'closed')
    return validation('item.status.invalid', 'the item is closed and cannot be modified: create a new item');
  const withVariations = hasVariations(product);
  if (withVariations && (input.price !== undefined || input.available_quantity !== undefined))
    return validation('item.price_or_quantity.variations', 'the item has variations: update price and available_quantity per variation');
  if (input.title !== undefined && input.title !== product.title) {
    if (soldQuantity(shop, product.variants) > 0) return validation('field_not_updatable', 'title is not modifiable: the item has sales');
    if (input.title.length > TITLE_MAX) return validation('item.title.length.invalid', `title must have at most ${TITLE_MAX} characters`);
    product.title = input.title;
  }
  const only = product.variants[0];
  if (input.price !== undefined && only) {
    only.priceMinor = toMinor(input.price);
    only.priceUpdatedAt = at;
  }
  if (input.available_quantity !== undefined && only) shop.stock.set(only.inventoryItemId, input.available_quantity);
  if (input.variations) {
    if (!withVariations) return validation('item.variations.invalid', 'the item has no variations');
    const kept: EmuVariant[] = [];
    for (const change of input.variations) {
      const variant = product.variants.find((v) => v.id === Number(change.id) - VARIATION_BASE);
      if (!variant) return validation('item.variations.id.invalid', `variation ${change.id} does not belong to the item`);
      if (change.price !== undefined) {
        variant.priceMinor = toMinor(change.price);
        variant.priceUpdatedAt = at;
      }
      if (change.available_quantity !== undefined) shop.stock.set(variant.inventoryItemId, change.available_quantity);
      kept.push(variant);
    }
    // As on ML: variations left out of a PUT with `variations` are removed from the item.
    product.variants = kept;
  }
  if (input.status) product.status = input.status === 'active' ? 'active' : input.status === 'paused' ? 'draft' : 'archived';
  product.updatedAt = at;
  return null;
}

export function updateItem(context: ItemWriteContext, id: string, body: unknown): EmuResponse {
  const { shop, now } = context;
  const product = productOfItem(shop, id);
  if (!product) return notFound(id);
  const parsed = updateSchema.safeParse(body);
  if (!parsed.success) return issuesOf(parsed.error);
  const at = now.toISOString();
  if (context.dropWrite()) {
    // Silent failure: the answer shows the change, the item keeps its old state.
    const clone = structuredClone(product);
    const stockBefore = new Map(shop.stock);
    const refused = applyUpdate(shop, clone, parsed.data, at);
    const answer = refused ?? json(200, renderItem(shop, mlStateOf(shop), clone));
    for (const [key, value] of stockBefore) shop.stock.set(key, value);
    return answer;
  }
  const refused = applyUpdate(shop, product, parsed.data, at);
  if (refused) return refused;
  if (parsed.data.deleted !== undefined) {
    shop.products.delete(product.id);
    mlStateOf(shop).descriptions.delete(product.id);
    context.notify('items', `/items/${id}`);
    return json(200, { ...renderItem(shop, mlStateOf(shop), product), deleted: true });
  }
  context.notify('items', `/items/${id}`);
  return json(200, renderItem(shop, mlStateOf(shop), product));
}

export function getDescription(shop: EmuShop, id: string): EmuResponse {
  const product = productOfItem(shop, id);
  if (!product) return notFound(id);
  const stored = mlStateOf(shop).descriptions.get(product.id);
  const plainText = stored?.plainText ?? product.description.replace(/<[^>]+>/g, '');
  return json(200, { text: '', plain_text: plainText, last_updated: stored?.updatedAt ?? product.updatedAt, date_created: product.createdAt, snapshot: null });
}

export function putDescription(context: ItemWriteContext, id: string, body: unknown): EmuResponse {
  const product = productOfItem(context.shop, id);
  if (!product) return notFound(id);
  const parsed = z.looseObject({ plain_text: z.string() }).safeParse(body);
  if (!parsed.success) return issuesOf(parsed.error);
  if (context.dropWrite()) return json(200, { plain_text: parsed.data.plain_text });
  const at = context.now.toISOString();
  product.description = parsed.data.plain_text;
  mlStateOf(context.shop).descriptions.set(product.id, { plainText: parsed.data.plain_text, updatedAt: at });
  return json(200, { text: '', plain_text: parsed.data.plain_text, last_updated: at });
}
