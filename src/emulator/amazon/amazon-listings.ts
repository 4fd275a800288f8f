import { z } from 'zod';
import { fromMinorUnits, toMinorUnits } from '../../lib/money.ts';
import type { EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { type AmazonState, allSkus, findSku, indexProduct, type SkuRef, unindexProduct } from './amazon-state.ts';

/**
 * Listings Items API 2021-08-01 as documented: items keyed by seller SKU, `summaries`, `attributes`
 * (the product type's JSON attributes: `item_name`, `purchasable_offer`, `fulfillment_availability`…),
 * `offers`, `fulfillmentAvailability`, `relationships`, `issues`; writes answer `{ sku, status:
 * ACCEPTED | INVALID, submissionId, issues }`. Variation families are a parent SKU
 * (`parentage_level: parent`) with child SKUs (`child_parent_sku_relationship`).
 */
export const spError = (status: number, code: string, message: string, details?: string): EmuResponse => ({
  status,
  body: { errors: [{ code, message, ...(details ? { details } : {}) }] },
});

export interface ListingsContext {
  shop: EmuShop;
  state: AmazonState;
  now: Date;
  /** True when this write must be answered ACCEPTED but not applied (the dropWrites fault). */
  dropWrite(): boolean;
}

const value = (attributes: Record<string, unknown>, name: string): unknown => {
  const entry = (attributes[name] as Array<Record<string, unknown>> | undefined)?.[0];
  return entry?.value ?? undefined;
};
const productTypeOf = (product: EmuProduct) => product.productType.toUpperCase().replace(/[^A-Z]+/g, '_');
const asinOf = (id: number) => `B0${id.toString(36).toUpperCase().padStart(8, '0')}`;

function itemName(state: AmazonState, ref: SkuRef): string {
  if (!ref.variant) return ref.product.title;
  if (state.parentSku.has(ref.product.id)) return state.childNames.get(ref.sku) ?? `${ref.product.title} - ${ref.variant.title}`;
  return ref.product.title;
}

function issuesOf(ref: SkuRef): unknown[] {
  const issues: unknown[] = [];
  if (ref.product.images.length === 0)
    issues.push({
      code: '18027',
      message: 'The main image is missing.',
      severity: 'ERROR',
      attributeNames: ['main_product_image_locator'],
      categories: ['MISSING_ATTRIBUTE'],
    });
  if (ref.product.title.length > 200)
    issues.push({
      code: '8560',
      message: 'item_name exceeds the 200 characters allowed.',
      severity: 'WARNING',
      attributeNames: ['item_name'],
      categories: ['INVALID_ATTRIBUTE'],
    });
  return issues;
}

/** One listings item in the 2021-08-01 shape, with the requested `includedData` sets. */
export function renderItem(shop: EmuShop, state: AmazonState, ref: SkuRef, included: Set<string>): Record<string, unknown> {
  const m = state.marketplaceId;
  const { product, variant } = ref;
  const buyable = variant !== null && product.status === 'active' && !state.noOffer.has(ref.sku);
  const item: Record<string, unknown> = { sku: ref.sku };
  const parent = state.parentSku.get(product.id);
  if (included.has('summaries'))
    item.summaries = [
      {
        marketplaceId: m,
        asin: asinOf(variant?.id ?? product.id),
        productType: productTypeOf(product),
        conditionType: 'new_new',
        status: buyable ? ['BUYABLE', 'DISCOVERABLE'] : ['DISCOVERABLE'],
        itemName: itemName(state, ref),
        createdDate: product.createdAt,
        lastUpdatedDate: product.updatedAt,
        ...(product.images[0] ? { mainImage: { link: product.images[0].url, height: 1000, width: 1000 } } : {}),
      },
    ];
  if (included.has('attributes')) {
    const attributes: Record<string, unknown> = {
      item_name: [{ value: itemName(state, ref), language_tag: 'pt_BR', marketplace_id: m }],
      brand: [{ value: product.vendor, marketplace_id: m }],
      product_description: [{ value: product.description, language_tag: 'pt_BR', marketplace_id: m }],
    };
    product.images.forEach((image, i) => {
      attributes[i === 0 ? 'main_product_image_locator' : `other_product_image_locator_${i}`] = [{ media_location: image.url, marketplace_id: m }];
    });
    if (variant) {
      if (variant.options.Color) attributes.color = [{ value: variant.options.Color, marketplace_id: m }];
      if (variant.options.Size) attributes.size = [{ value: variant.options.Size, marketplace_id: m }];
      if (buyable)
        attributes.purchasable_offer = [
          {
            marketplace_id: m,
            currency: shop.currency,
            our_price: [{ schedule: [{ value_with_tax: Number(fromMinorUnits(variant.priceMinor, shop.currency)) }] }],
          },
        ];
      if (variant.compareAtMinor !== null)
        attributes.list_price = [{ value_with_tax: Number(fromMinorUnits(variant.compareAtMinor, shop.currency)), currency: shop.currency, marketplace_id: m }];
      if (parent) attributes.child_parent_sku_relationship = [{ child_relationship_type: 'variation', parent_sku: parent, marketplace_id: m }];
    } else {
      attributes.parentage_level = [{ value: 'parent', marketplace_id: m }];
      attributes.variation_theme = [{ name: 'COLOR/SIZE' }];
    }
    item.attributes = attributes;
  }
  if (included.has('offers'))
    item.offers =
      buyable && variant
        ? [{ marketplaceId: m, offerType: 'B2C', price: { currencyCode: shop.currency, amount: fromMinorUnits(variant.priceMinor, shop.currency) } }]
        : [];
  if (included.has('fulfillmentAvailability'))
    item.fulfillmentAvailability = variant
      ? [{ fulfillmentChannelCode: state.fba.has(ref.sku) ? 'AMAZON_NA' : 'DEFAULT', quantity: shop.stock.get(variant.inventoryItemId) ?? 0 }]
      : [];
  if (included.has('relationships')) {
    const relationships = variant
      ? parent
        ? [{ type: 'VARIATION', parentSkus: [parent] }]
        : []
      : [{ type: 'VARIATION', childSkus: product.variants.map((v) => v.sku), variationTheme: { attributes: ['color', 'size'], theme: 'COLOR/SIZE' } }];
    item.relationships = [{ marketplaceId: m, relationships }];
  }
  if (included.has('issues')) item.issues = issuesOf(ref);
  return item;
}

export const includedDataOf = (query: URLSearchParams): Set<string> => new Set((query.get('includedData') ?? 'summaries').split(',').filter(Boolean));

export function getItem(context: ListingsContext, sku: string, query: URLSearchParams): EmuResponse {
  const ref = findSku(context.shop, context.state, sku);
  if (!ref) return spError(404, 'NOT_FOUND', `SKU '${sku}' not found in marketplace ${context.state.marketplaceId}`);
  return { status: 200, body: renderItem(context.shop, context.state, ref, includedDataOf(query)) };
}

const PAGE_MAX = 20;

/** searchListingsItems: identifiers (SKU, up to 20), variationParentSku, lastUpdatedAfter; pageSize ≤ 20 with pageToken. */
export function searchItems(context: ListingsContext, query: URLSearchParams): EmuResponse {
  const pageSize = Number(query.get('pageSize') ?? 10);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PAGE_MAX) return spError(400, 'InvalidInput', `pageSize must be between 1 and ${PAGE_MAX}`);
  const identifiers = query.get('identifiers');
  let refs: SkuRef[];
  if (identifiers) {
    if (query.get('identifiersType') !== 'SKU') return spError(400, 'InvalidInput', 'identifiersType is required with identifiers (only SKU is emulated)');
    const wanted = identifiers.split(',');
    if (wanted.length > 20) return spError(400, 'InvalidInput', 'At most 20 identifiers are allowed');
    refs = wanted.map((sku) => findSku(context.shop, context.state, sku)).filter((r): r is SkuRef => r !== null);
  } else refs = allSkus(context.shop, context.state);
  const parent = query.get('variationParentSku');
  if (parent) {
    const family = findSku(context.shop, context.state, parent);
    refs = family && family.variant === null ? refs.filter((r) => r.product.id === family.product.id && r.variant !== null) : [];
  }
  const after = query.get('lastUpdatedAfter');
  if (after) {
    const at = Date.parse(after);
    if (Number.isNaN(at)) return spError(400, 'InvalidInput', 'lastUpdatedAfter must be an ISO 8601 date');
    refs = refs.filter((r) => Date.parse(r.product.updatedAt) >= at);
  }
  const token = query.get('pageToken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, '')) : 0;
  if (!Number.isInteger(offset) || offset < 0) return spError(400, 'InvalidInput', 'Invalid pageToken');
  const page = refs.slice(offset, offset + pageSize);
  const next = offset + pageSize < refs.length ? Buffer.from(`o:${offset + pageSize}`).toString('base64url') : undefined;
  const included = includedDataOf(query);
  return {
    status: 200,
    body: {
      numberOfResults: refs.length,
      ...(next ? { pagination: { nextToken: next } } : {}),
      items: page.map((ref) => renderItem(context.shop, context.state, ref, included)),
    },
  };
}

const attributesSchema = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));
export const putBodySchema = z.object({ productType: z.string().min(1), requirements: z.string().optional(), attributes: attributesSchema });
export const patchBodySchema = z.object({
  productType: z.string().min(1),
  patches: z
    .array(
      z.object({
        op: z.enum(['add', 'replace', 'merge', 'delete']),
        path: z.string().regex(/^\/attributes\/[a-z0-9_]+$/),
        value: z.array(z.record(z.string(), z.unknown())).optional(),
      }),
    )
    .min(1),
});

export interface WriteResult {
  sku: string;
  status: 'ACCEPTED' | 'INVALID';
  submissionId: string;
  issues: Array<{ code: string; message: string; severity: 'ERROR' | 'WARNING'; attributeNames?: string[] }>;
}

const invalid = (context: ListingsContext, sku: string, code: string, message: string, attribute?: string): WriteResult => ({
  sku,
  status: 'INVALID',
  submissionId: submissionId(context),
  issues: [{ code, message, severity: 'ERROR', ...(attribute ? { attributeNames: [attribute] } : {}) }],
});
const submissionId = (context: ListingsContext) => `${context.state.nextNumber().toString(16).padStart(8, '0')}${Date.now().toString(16)}`;
const accepted = (context: ListingsContext, sku: string): WriteResult => ({ sku, status: 'ACCEPTED', submissionId: submissionId(context), issues: [] });

function priceOf(attributes: Record<string, unknown>, currency: string): number | null {
  const offer = (attributes.purchasable_offer as Array<{ our_price?: Array<{ schedule?: Array<{ value_with_tax?: unknown }> }> }> | undefined)?.[0];
  const amount = offer?.our_price?.[0]?.schedule?.[0]?.value_with_tax;
  if (amount === undefined) return null;
  return toMinorUnits(typeof amount === 'number' ? amount.toFixed(2) : String(amount), currency);
}
function quantityOf(attributes: Record<string, unknown>): { channel: string; quantity: number } | null {
  const entry = (attributes.fulfillment_availability as Array<{ fulfillment_channel_code?: string; quantity?: unknown }> | undefined)?.[0];
  if (!entry) return null;
  return { channel: entry.fulfillment_channel_code ?? 'DEFAULT', quantity: Number(entry.quantity) };
}

function newVariant(shop: EmuShop, productId: number, sku: string, attributes: Record<string, unknown>, now: string): EmuVariant {
  const options: Record<string, string> = {};
  const color = value(attributes, 'color');
  const size = value(attributes, 'size');
  if (typeof color === 'string') options.Color = color;
  if (typeof size === 'string') options.Size = size;
  return {
    id: shop.nextId(),
    productId,
    sku,
    title: Object.values(options).join(' / ') || sku,
    priceMinor: priceOf(attributes, shop.currency) ?? 0,
    compareAtMinor: null,
    options,
    inventoryItemId: shop.nextId(),
    priceUpdatedAt: now,
  };
}

/** putListingsItem: creates or fully replaces the SKU. */
export function putItem(context: ListingsContext, sku: string, body: z.infer<typeof putBodySchema>): WriteResult {
  const { shop, state } = context;
  const at = context.now.toISOString();
  const attributes = body.attributes;
  const name = value(attributes, 'item_name');
  if (typeof name !== 'string' || name.trim() === '') return invalid(context, sku, '90220', "'item_name' is required but not supplied.", 'item_name');
  const isParent = value(attributes, 'parentage_level') === 'parent';
  const parentSku = (attributes.child_parent_sku_relationship as Array<{ parent_sku?: string }> | undefined)?.[0]?.parent_sku;
  const price = priceOf(attributes, shop.currency);
  if (!isParent && price === null) return invalid(context, sku, '90220', "'purchasable_offer' is required but not supplied.", 'purchasable_offer');
  if (context.dropWrite()) return accepted(context, sku);
  const existing = findSku(shop, state, sku);
  const description = value(attributes, 'product_description');
  const brand = value(attributes, 'brand');
  if (isParent || !parentSku) {
    let product = existing?.product;
    if (!product) {
      const id = shop.nextId();
      product = {
        id,
        title: name,
        description: typeof description === 'string' ? description : '',
        vendor: typeof brand === 'string' ? brand : '',
        productType: body.productType,
        status: 'active',
        tags: [],
        handle: sku,
        images: [],
        videos: 0,
        attributes: {},
        variants: [],
        createdAt: at,
        updatedAt: at,
      };
      shop.products.set(id, product);
      if (isParent) state.parentSku.set(id, sku);
      else product.variants.push(newVariant(shop, id, sku, attributes, at));
    } else {
      product.title = name;
      if (typeof description === 'string') product.description = description;
      product.updatedAt = at;
    }
    indexProduct(state, product);
    if (!isParent) applyOfferAndStock(context, sku, attributes);
    return accepted(context, sku);
  }
  const family = findSku(shop, state, parentSku);
  if (!family || family.variant !== null)
    return invalid(context, sku, '8105', `The parent SKU '${parentSku}' does not exist.`, 'child_parent_sku_relationship');
  if (!existing) {
    family.product.variants.push(newVariant(shop, family.product.id, sku, attributes, at));
    indexProduct(state, family.product);
  }
  state.childNames.set(sku, name);
  family.product.updatedAt = at;
  applyOfferAndStock(context, sku, attributes);
  return accepted(context, sku);
}

function applyOfferAndStock(context: ListingsContext, sku: string, attributes: Record<string, unknown>): void {
  const ref = findSku(context.shop, context.state, sku);
  if (!ref?.variant) return;
  const price = priceOf(attributes, context.shop.currency);
  if (price !== null) {
    ref.variant.priceMinor = price;
    ref.variant.priceUpdatedAt = context.now.toISOString();
    context.state.noOffer.delete(sku);
    if (ref.product.status !== 'active') ref.product.status = 'active';
  }
  const stock = quantityOf(attributes);
  if (stock && Number.isInteger(stock.quantity) && stock.quantity >= 0 && !context.state.fba.has(sku))
    context.shop.stock.set(ref.variant.inventoryItemId, stock.quantity);
}

/** patchListingsItem: JSON-patch-like operations on `/attributes/<name>`. */
export function patchItem(context: ListingsContext, sku: string, body: z.infer<typeof patchBodySchema>): WriteResult {
  const { shop, state } = context;
  const ref = findSku(shop, state, sku);
  if (!ref) return invalid(context, sku, '8541', `SKU '${sku}' does not exist: use putListingsItem to create it.`);
  for (const patch of body.patches) {
    const name = patch.path.slice('/attributes/'.length);
    if (patch.op !== 'delete' && (!patch.value || patch.value.length === 0)) return invalid(context, sku, '90244', `'${name}' needs a value.`, name);
    if (name === 'fulfillment_availability' && patch.op !== 'delete') {
      if (state.fba.has(sku) || (patch.value?.[0]?.fulfillment_channel_code ?? 'DEFAULT') !== 'DEFAULT')
        return invalid(context, sku, '8016', 'Quantity of Amazon-fulfilled (FBA) SKUs is managed by Amazon and cannot be set.', name);
      const quantity = Number(patch.value?.[0]?.quantity);
      if (!Number.isInteger(quantity) || quantity < 0) return invalid(context, sku, '90244', 'quantity must be a non-negative integer.', name);
      if (!ref.variant) return invalid(context, sku, '90244', 'A parent SKU has no quantity.', name);
    }
    if (name === 'purchasable_offer' && patch.op !== 'delete' && priceOf({ purchasable_offer: patch.value }, shop.currency) === null)
      return invalid(context, sku, '90244', 'our_price is required in purchasable_offer.', name);
  }
  if (context.dropWrite()) return accepted(context, sku);
  const at = context.now.toISOString();
  for (const patch of body.patches) {
    const name = patch.path.slice('/attributes/'.length);
    const attributes = { [name]: patch.value ?? [] };
    if (name === 'item_name' && patch.op !== 'delete') {
      const title = String(value(attributes, 'item_name') ?? '');
      if (ref.variant && state.parentSku.has(ref.product.id)) state.childNames.set(sku, title);
      else ref.product.title = title;
    } else if (name === 'product_description' && patch.op !== 'delete') ref.product.description = String(value(attributes, name) ?? '');
    else if (name === 'purchasable_offer' && patch.op === 'delete') state.noOffer.add(sku);
    else applyOfferAndStock(context, sku, attributes);
  }
  ref.product.updatedAt = at;
  return accepted(context, sku);
}

/** deleteListingsItem: deleting a parent SKU leaves its children listed, orphaned (they still name the parent). */
export function deleteItem(context: ListingsContext, sku: string): EmuResponse {
  const { shop, state } = context;
  const ref = findSku(shop, state, sku);
  if (!ref) return spError(404, 'NOT_FOUND', `SKU '${sku}' not found`);
  if (context.dropWrite()) return { status: 200, body: accepted(context, sku) };
  if (!ref.variant && ref.product.variants.length > 0) {
    state.skus.delete(sku);
    state.orphans.add(ref.product.id);
    ref.product.updatedAt = context.now.toISOString();
  } else if (!ref.variant || ref.product.variants.length <= 1) {
    unindexProduct(state, ref.product);
    shop.products.delete(ref.product.id);
  } else {
    ref.product.variants = ref.product.variants.filter((v) => v.id !== ref.variant?.id);
    state.skus.delete(sku);
    ref.product.updatedAt = context.now.toISOString();
  }
  return { status: 200, body: accepted(context, sku) };
}
