import { z } from 'zod';
import { toMinorUnits } from '../../lib/money.ts';

/**
 * The Kaway feed layout Nexo defines (Kaway documents no API; see docs/connectors.md "Kaway").
 * CSV: one header line with these column names (any order, unknown names refused), one record per
 * variant (products), per SKU (stock) or per order line (orders). JSON: an array of objects with
 * the same keys (or `{ "items": [...] }`); list columns may be JSON arrays there.
 * Prices are decimal strings with a dot ("159.90") in the row's currency; Nexo keeps minor units.
 */
export const feedKinds = ['products', 'stock', 'orders'] as const;
export type FeedKind = (typeof feedKinds)[number];
export const feedFormats = ['csv', 'json'] as const;
export type FeedFormat = (typeof feedFormats)[number];

/** A bad row, as people find it: `row` is the spreadsheet row for CSV (header = 1; a record with quoted line breaks counts from its first line), the item number (1-based) for JSON. */
export interface FeedRowError {
  row: number;
  column: string | null;
  message: string;
}

/** Separator inside list cells (tags, image_urls). */
export const LIST_SEPARATOR = '|';

export const productColumns = [
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
] as const;
export const stockColumns = ['sku', 'quantity', 'location', 'updated_at'] as const;
export const orderColumns = [
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
] as const;

export const columnsOf: Record<FeedKind, readonly string[]> = { products: productColumns, stock: stockColumns, orders: orderColumns };
export const requiredColumns: Record<FeedKind, readonly string[]> = {
  products: ['product_id', 'title', 'sku', 'price', 'currency'],
  stock: ['sku', 'quantity'],
  orders: ['order_id', 'currency', 'created_at', 'sku', 'quantity', 'unit_price'],
};

// ---- cell parsers (every cell arrives as a string; empty means "not given") ----

const text = z.string().transform((value) => value.trim());
const optionalText = text.transform((value) => (value === '' ? null : value));
const requiredText = (what: string) => text.pipe(z.string().min(1, `${what} is required`));
const currency = text.pipe(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. BRL'));
const list = text.transform((value) =>
  value === ''
    ? []
    : value
        .split(LIST_SEPARATOR)
        .map((item) => item.trim())
        .filter(Boolean),
);
const decimal = (what: string) =>
  text.refine((value) => /^\d+(\.\d+)?$/.test(value), {
    message: `${what} must be a decimal amount with a dot, e.g. 159.90`,
  });
const optionalDecimal = (what: string) =>
  text.refine((value) => value === '' || /^\d+(\.\d+)?$/.test(value), { message: `${what} must be empty or a decimal amount with a dot, e.g. 159.90` });
const integer = (what: string, min: number) =>
  text.refine((value) => /^\d+$/.test(value) && Number(value) >= min && Number.isSafeInteger(Number(value)), {
    message: `${what} must be a whole number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}`,
  });
const timestamp = text.refine((value) => value === '' || z.iso.datetime({ offset: true }).safeParse(value).success, {
  message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-31T12:00:00Z',
});
const toIso = (value: string) => (value === '' ? null : new Date(value).toISOString());
const boolean = text.refine((value) => /^(|true|false|yes|no|1|0)$/i.test(value), { message: 'must be true or false' });
const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  text.refine((value) => value === '' || (values as readonly string[]).includes(value.toLowerCase()), { message: `must be one of ${values.join(', ')}` });

const imageUrls = list.refine((urls) => urls.every((url) => /^https?:\/\/\S+$/.test(url)), { message: 'must be http(s) URLs separated by |' });

export const productRowSchema = z.strictObject({
  product_id: requiredText('product_id'),
  handle: optionalText,
  title: text,
  description: text,
  vendor: optionalText,
  product_type: optionalText,
  status: enumOf(['active', 'draft', 'archived']),
  tags: list,
  image_urls: imageUrls,
  sku: requiredText('sku'),
  variant_title: text,
  option1_name: text,
  option1_value: text,
  option2_name: text,
  option2_value: text,
  option3_name: text,
  option3_value: text,
  price: decimal('price'),
  compare_at_price: optionalDecimal('compare_at_price'),
  currency,
  quantity: text.refine((value) => value === '' || (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))), {
    message: 'quantity must be empty or a whole number (0 or more)',
  }),
  created_at: timestamp,
  updated_at: timestamp,
});
export type ProductRow = z.infer<typeof productRowSchema>;

export const stockRowSchema = z.strictObject({
  sku: requiredText('sku'),
  quantity: integer('quantity', 0),
  location: optionalText,
  updated_at: timestamp,
});
export type StockRow = z.infer<typeof stockRowSchema>;

export const orderRowSchema = z.strictObject({
  order_id: requiredText('order_id'),
  order_number: text,
  email: optionalText,
  currency,
  financial_status: enumOf(['pending', 'paid', 'partially_refunded', 'refunded', 'voided', 'other']),
  fulfillment_status: enumOf(['unfulfilled', 'partial', 'fulfilled', 'other']),
  cancelled: boolean,
  created_at: text.pipe(z.string().min(1, 'created_at is required')).pipe(timestamp),
  updated_at: timestamp,
  line_id: text,
  sku: requiredText('sku'),
  variant_id: optionalText,
  title: text,
  quantity: integer('quantity', 1),
  unit_price: decimal('unit_price'),
});
export type OrderRow = z.infer<typeof orderRowSchema>;

export const rowSchemas = { products: productRowSchema, stock: stockRowSchema, orders: orderRowSchema } as const;

/** Decimal text (already validated) to minor units; more decimals than the currency has is a row error. */
export function minorUnits(value: string, currencyCode: string): number {
  return toMinorUnits(value, currencyCode);
}

export { toIso };
