import type { InventoryLevel, Order, OrderLine, Product, Variant } from '../../contracts/connectors.ts';
import { type FeedRowError, minorUnits, type OrderRow, type ProductRow, type StockRow, toIso } from './feed-columns.ts';

/** Validated rows -> DTOs: groups variant rows into products and line rows into orders, checking that the repeated fields agree. */
interface Row<T> {
  row: number;
  data: T;
}

function money(value: string, currency: string, row: number, column: string, errors: FeedRowError[]): number | null {
  try {
    return minorUnits(value, currency);
  } catch (error) {
    errors.push({ row, column, message: (error as Error).message });
    return null;
  }
}

const productFields = ['handle', 'title', 'description', 'vendor', 'product_type', 'status', 'tags', 'image_urls', 'created_at', 'updated_at'] as const;
const orderFields = ['order_number', 'email', 'currency', 'financial_status', 'fulfillment_status', 'cancelled', 'created_at', 'updated_at'] as const;
const show = (value: unknown) => (Array.isArray(value) ? value.join('|') : value === null ? '' : String(value));

/** A later row of the same product/order may leave shared fields empty; when it fills one it must agree with the first row. */
function disagreement<T>(first: Row<T>, next: Row<T>, fields: readonly (keyof T & string)[], what: string): FeedRowError | null {
  for (const field of fields) {
    const a = show(first.data[field]);
    const b = show(next.data[field]);
    if (b !== '' && a !== b) return { row: next.row, column: field, message: `differs from row ${first.row} of the same ${what} (${JSON.stringify(a)})` };
  }
  return null;
}

function variantOf({ row, data }: Row<ProductRow>, errors: FeedRowError[]): Variant | null {
  const attributes: Record<string, string> = {};
  for (const n of [1, 2, 3] as const) {
    const name = data[`option${n}_name`];
    const value = data[`option${n}_value`];
    if ((name === '') !== (value === '')) {
      errors.push({ row, column: `option${n}_${name === '' ? 'name' : 'value'}`, message: `option${n}_name and option${n}_value go together` });
      return null;
    }
    if (name !== '') attributes[name] = value;
  }
  const price = money(data.price, data.currency, row, 'price', errors);
  const compareAt = data.compare_at_price === '' ? null : money(data.compare_at_price, data.currency, row, 'compare_at_price', errors);
  if (price === null || (data.compare_at_price !== '' && compareAt === null)) return null;
  return {
    channelId: data.sku,
    sku: data.sku,
    title: data.variant_title || Object.values(attributes).join(' / ') || 'Default',
    price: { amount: price, currency: data.currency },
    compareAtPrice: compareAt === null ? null : { amount: compareAt, currency: data.currency },
    attributes,
    inventoryItemId: data.sku,
    quantity: data.quantity === '' ? null : Number(data.quantity),
  };
}

export function productsFromRows(rows: Row<ProductRow>[], errors: FeedRowError[], fallbackTime: string): Product[] {
  const groups = new Map<string, { first: Row<ProductRow>; variants: Variant[] }>();
  const skus = new Map<string, number>();
  for (const current of rows) {
    const { row, data } = current;
    const seen = skus.get(data.sku);
    if (seen !== undefined) {
      errors.push({ row, column: 'sku', message: `${JSON.stringify(data.sku)} is already on row ${seen}` });
      continue;
    }
    const group = groups.get(data.product_id);
    if (!group && data.title === '') {
      errors.push({ row, column: 'title', message: `is required on the first row of product ${JSON.stringify(data.product_id)}` });
      continue;
    }
    if (group) {
      const conflict = disagreement(group.first, current, productFields, 'product');
      if (conflict) {
        errors.push(conflict);
        continue;
      }
    }
    const variant = variantOf(current, errors);
    if (!variant) continue;
    skus.set(data.sku, row);
    if (group) group.variants.push(variant);
    else groups.set(data.product_id, { first: current, variants: [variant] });
  }
  return [...groups.entries()].map(([id, { first, variants }]) => {
    const data = first.data;
    const createdAt = toIso(data.created_at) ?? fallbackTime;
    return {
      channelId: id,
      title: data.title,
      description: data.description,
      vendor: data.vendor,
      productType: data.product_type,
      status: (data.status.toLowerCase() || 'active') as Product['status'],
      tags: data.tags,
      handle: data.handle,
      images: data.image_urls.map((url) => ({ url, alt: null })),
      videoCount: 0,
      variants,
      createdAt,
      updatedAt: toIso(data.updated_at) ?? createdAt,
    };
  });
}

export function stockFromRows(rows: Row<StockRow>[], errors: FeedRowError[]): InventoryLevel[] {
  const seen = new Map<string, number>();
  const levels: InventoryLevel[] = [];
  for (const { row, data } of rows) {
    const key = `${data.sku}\u0000${data.location ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ row, column: 'sku', message: `${JSON.stringify(data.sku)}${data.location ? ` at ${data.location}` : ''} is already on row ${first}` });
      continue;
    }
    seen.set(key, row);
    levels.push({ inventoryItemId: data.sku, sku: data.sku, locationId: data.location, available: Number(data.quantity) });
  }
  return levels;
}

export function ordersFromRows(rows: Row<OrderRow>[], errors: FeedRowError[], fallbackTime: string): Order[] {
  const groups = new Map<string, { first: Row<OrderRow>; lines: OrderLine[] }>();
  for (const current of rows) {
    const { row, data } = current;
    const group = groups.get(data.order_id);
    if (group) {
      const conflict = disagreement(group.first, current, orderFields, 'order');
      if (conflict) {
        errors.push(conflict);
        continue;
      }
    }
    const lineId = data.line_id || `${data.order_id}:${data.sku}`;
    if (group?.lines.some((line) => line.channelId === lineId)) {
      errors.push({ row, column: data.line_id ? 'line_id' : 'sku', message: `line ${JSON.stringify(lineId)} appears twice in order ${data.order_id}` });
      continue;
    }
    const unit = money(data.unit_price, data.currency, row, 'unit_price', errors);
    if (unit === null) continue;
    const quantity = Number(data.quantity);
    const line: OrderLine = {
      channelId: lineId,
      sku: data.sku,
      title: data.title || data.sku,
      quantity,
      unitPrice: { amount: unit, currency: data.currency },
      total: { amount: unit * quantity, currency: data.currency },
      channelVariantId: data.variant_id ?? data.sku,
    };
    if (group) group.lines.push(line);
    else groups.set(data.order_id, { first: current, lines: [line] });
  }
  const orders = [...groups.entries()].map(([id, { first, lines }]): Order => {
    const data = first.data;
    const total = lines.reduce((sum, line) => sum + line.total.amount, 0);
    const createdAt = toIso(data.created_at) ?? fallbackTime;
    return {
      channelId: id,
      number: data.order_number || id,
      email: data.email,
      currency: data.currency,
      subtotal: { amount: total, currency: data.currency },
      total: { amount: total, currency: data.currency },
      financialStatus: (data.financial_status.toLowerCase() || 'pending') as Order['financialStatus'],
      fulfillmentStatus: (data.fulfillment_status.toLowerCase() || 'unfulfilled') as Order['fulfillmentStatus'],
      cancelled: /^(true|yes|1)$/i.test(data.cancelled),
      lines,
      createdAt,
      updatedAt: toIso(data.updated_at) ?? createdAt,
    };
  });
  return orders.sort((a, b) => (a.updatedAt === b.updatedAt ? (a.channelId < b.channelId ? -1 : 1) : a.updatedAt < b.updatedAt ? -1 : 1));
}
