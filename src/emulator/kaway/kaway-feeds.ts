import { createHash } from 'node:crypto';
import { stringifyCsv } from '../../lib/csv.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import type { EmuShop } from '../shop-state.ts';

/**
 * The feeds a Kaway seller account publishes, rendered from the shop's state in the layout
 * docs/connectors.md defines ("Kaway feed format"): written from that document, not from the
 * connector's code.
 */
export type KawayFeedKind = 'products' | 'stock' | 'orders';
export type KawayFeedFormat = 'csv' | 'json';

const columns: Record<KawayFeedKind, string[]> = {
  products: [
    'product_id',
    'handle',
    'title',
    'description',
    'vendor',
    'product_type',
    'status',
    'tags',
    'image_urls',
    'sku',
    'variant_title',
    'option1_name',
    'option1_value',
    'option2_name',
    'option2_value',
    'option3_name',
    'option3_value',
    'price',
    'compare_at_price',
    'currency',
    'quantity',
    'created_at',
    'updated_at',
  ],
  stock: ['sku', 'quantity', 'location', 'updated_at'],
  orders: [
    'order_id',
    'order_number',
    'email',
    'currency',
    'financial_status',
    'fulfillment_status',
    'cancelled',
    'created_at',
    'updated_at',
    'line_id',
    'sku',
    'variant_id',
    'title',
    'quantity',
    'unit_price',
  ],
};

type Row = Record<string, string>;

function rowsOf(shop: EmuShop, kind: KawayFeedKind): Row[] {
  const money = (minor: number) => fromMinorUnits(minor, shop.currency);
  if (kind === 'products') {
    return [...shop.products.values()].flatMap((p) =>
      p.variants.map((v) => {
        const options = Object.entries(v.options);
        return {
          product_id: String(p.id),
          handle: p.handle,
          title: p.title,
          description: p.description,
          vendor: p.vendor,
          product_type: p.productType,
          status: p.status,
          tags: p.tags.join('|'),
          image_urls: p.images.map((image) => image.url).join('|'),
          sku: v.sku,
          variant_title: v.title,
          option1_name: options[0]?.[0] ?? '',
          option1_value: options[0]?.[1] ?? '',
          option2_name: options[1]?.[0] ?? '',
          option2_value: options[1]?.[1] ?? '',
          price: money(v.priceMinor),
          compare_at_price: v.compareAtMinor === null ? '' : money(v.compareAtMinor),
          currency: shop.currency,
          quantity: String(shop.stock.get(v.inventoryItemId) ?? 0),
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        };
      }),
    );
  }
  if (kind === 'stock') {
    return [...shop.products.values()].flatMap((p) => p.variants.map((v) => ({ sku: v.sku, quantity: String(shop.stock.get(v.inventoryItemId) ?? 0) })));
  }
  return [...shop.orders.values()].flatMap((o) =>
    o.lines.map((line) => ({
      order_id: String(o.id),
      order_number: `#${o.number}`,
      email: o.email,
      currency: o.currency,
      financial_status: o.financialStatus,
      fulfillment_status: o.fulfillmentStatus,
      cancelled: o.cancelledAt ? 'true' : 'false',
      created_at: o.createdAt,
      updated_at: o.updatedAt,
      line_id: String(line.id),
      sku: line.sku,
      variant_id: line.sku,
      title: line.title,
      quantity: String(line.quantity),
      unit_price: money(line.unitMinor),
    })),
  );
}

/** The field a "corrupt feed" fault garbles in one row (the middle one). */
const corruptible: Record<KawayFeedKind, string> = { products: 'price', stock: 'quantity', orders: 'unit_price' };

export function renderKawayFeed(shop: EmuShop, kind: KawayFeedKind, format: KawayFeedFormat, options: { corrupt?: boolean } = {}): string {
  const rows = rowsOf(shop, kind);
  const victim = rows[Math.floor(rows.length / 2)];
  if (options.corrupt && victim) victim[corruptible[kind]] = '12,9O';
  if (format === 'json') return `${JSON.stringify({ items: rows })}\n`;
  const names = columns[kind];
  return stringifyCsv([names, ...rows.map((row) => names.map((name) => row[name] ?? ''))]);
}

export const strongEtag = (body: string) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
