import type { InventoryLevel, Order, Product } from '../../contracts/connectors.ts';
import { stringifyCsv } from '../../lib/csv.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { columnsOf, type FeedFormat, type FeedKind, LIST_SEPARATOR, orderColumns, productColumns, stockColumns } from './feed-columns.ts';
import type { FeedDtos } from './feed-parse.ts';

/**
 * Normalized DTOs -> the feed files Kaway ingests (the layout of feed-columns.ts): CSV with a header
 * line and CRLF line ends, or JSON `{ "items": [rows] }` with the same keys. What the importer reads
 * back from an export equals what was exported (round-trip tested); image alt texts and video counts
 * have no column and are not carried.
 */
type Cells = Record<string, string>;

export function productRows(product: Product): Cells[] {
  return product.variants.map((variant) => {
    const options = Object.entries(variant.attributes).slice(0, 3);
    const cells: Cells = {
      product_id: product.channelId,
      handle: product.handle ?? '',
      title: product.title,
      description: product.description,
      vendor: product.vendor ?? '',
      product_type: product.productType ?? '',
      status: product.status,
      tags: product.tags.join(LIST_SEPARATOR),
      image_urls: product.images.map((image) => image.url).join(LIST_SEPARATOR),
      sku: variant.sku,
      variant_title: variant.title,
      price: fromMinorUnits(variant.price.amount, variant.price.currency),
      compare_at_price: variant.compareAtPrice ? fromMinorUnits(variant.compareAtPrice.amount, variant.compareAtPrice.currency) : '',
      currency: variant.price.currency,
      quantity: variant.quantity === null ? '' : String(variant.quantity),
      created_at: product.createdAt,
      updated_at: product.updatedAt,
    };
    options.forEach(([name, value], i) => {
      cells[`option${i + 1}_name`] = name;
      cells[`option${i + 1}_value`] = value;
    });
    return cells;
  });
}

export const stockRows = (level: InventoryLevel): Cells[] => [
  { sku: level.sku ?? level.inventoryItemId, quantity: String(level.available), location: level.locationId ?? '' },
];

export function orderRows(order: Order): Cells[] {
  return order.lines.map((line) => ({
    order_id: order.channelId,
    order_number: order.number,
    email: order.email ?? '',
    currency: order.currency,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    cancelled: String(order.cancelled),
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    line_id: line.channelId,
    sku: line.sku,
    variant_id: line.channelVariantId ?? '',
    title: line.title,
    quantity: String(line.quantity),
    unit_price: fromMinorUnits(line.unitPrice.amount, line.unitPrice.currency),
  }));
}

const rowsOf = { products: productRows, stock: stockRows, orders: orderRows } as const;
const columns = { products: productColumns, stock: stockColumns, orders: orderColumns } as const;

/** The feed file for `items` in the given format (CSV with every column of the kind, in the documented order). */
export function renderFeed<K extends FeedKind>(kind: K, items: ReadonlyArray<FeedDtos[K]>, format: FeedFormat = 'csv'): string {
  const toRows = rowsOf[kind] as (item: FeedDtos[K]) => Cells[];
  const rows = items.flatMap((item) => toRows(item));
  const names = columns[kind] as readonly string[];
  if (format === 'json') {
    const items = rows.map((row) => Object.fromEntries(names.map((name) => [name, row[name] ?? '']).filter(([, value]) => value !== '')));
    return `${JSON.stringify({ items }, null, 2)}\n`;
  }
  return stringifyCsv([[...columnsOf[kind]], ...rows.map((row) => names.map((name) => row[name] ?? ''))]);
}

export const feedContentType = (format: FeedFormat) => (format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8');
