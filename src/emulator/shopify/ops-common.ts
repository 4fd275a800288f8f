import { z } from 'zod';
import type { EmuOrder, EmuProduct, EmuShop } from '../shop-state.ts';
import { parseGid } from './shopify-state.ts';

/** Shared pieces of the emulated Admin GraphQL operations: their type, cursors, the search syntax, input schemas, lookups. */
export interface OperationContext {
  shop: EmuShop;
  now: Date;
  /** The emulator's own base URL, for bulk operation result files. */
  baseUrl: string;
  emit(topic: string, payload: unknown): void;
  /** True when this write must be answered as if applied but dropped (the "silent write failure" fault). */
  dropWrite(): boolean;
}

export interface Operation {
  kind: 'query' | 'mutation';
  rootField: string;
  scope: string;
  variables: z.ZodType;
  // biome-ignore lint/suspicious/noExplicitAny: variables are whatever this operation's own zod schema parsed
  requestedCost(variables: any): number;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  run(context: OperationContext, variables: any): { data: unknown; actualCost?: number };
}

export const cursorOf = (key: string | number, id: number) => Buffer.from(JSON.stringify({ k: key, id })).toString('base64url');
export function readCursor(cursor: string | null | undefined): { k: string | number; id: number } | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed?.id === 'number') return parsed;
  } catch {}
  throw new GraphqlUserError(`Invalid cursor: ${cursor}`, 'BAD_REQUEST');
}

export class GraphqlUserError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** The small subset of Shopify's search syntax the connector uses: `handle:x`, `updated_at:>=ISO` / `updated_at:>ISO`. */
export function parseSearch(query: string | null | undefined): { handle?: string; updatedAtMin?: string; inclusive?: boolean } {
  if (!query) return {};
  const out: { handle?: string; updatedAtMin?: string; inclusive?: boolean } = {};
  const handle = /handle:'?([^'\s]+)'?/.exec(query);
  if (handle) out.handle = handle[1];
  const updated = /updated_at:(>=?)'?([^'\s]+)'?/.exec(query);
  if (updated) {
    out.updatedAtMin = updated[2];
    out.inclusive = updated[1] === '>=';
  }
  return out;
}

export function page<T extends { id: number }>(items: T[], key: (item: T) => string | number, first: number, after: string | null | undefined) {
  const cursor = readCursor(after);
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
  const start = cursor ? sorted.filter((item) => key(item) > cursor.k || (key(item) === cursor.k && item.id > cursor.id)) : sorted;
  const slice = start.slice(0, first);
  const last = slice.at(-1);
  return { slice, hasNextPage: start.length > slice.length, endCursor: last ? cursorOf(key(last), last.id) : null };
}

export const first = z.number().int().min(1).max(250);
export const id = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+$/);
export const moneyString = z.string().regex(/^\d+(\.\d+)?$/);

export const userError = (field: string[], message: string) => ({ field, message });

export function touch(product: EmuProduct, now: Date) {
  product.updatedAt = now.toISOString();
}

export function findOrder(shop: EmuShop, orderId: string): EmuOrder | undefined {
  const numeric = parseGid(orderId, 'Order');
  return numeric === null ? undefined : shop.orders.get(numeric);
}

export function findProduct(shop: EmuShop, productId: string): EmuProduct | undefined {
  const numeric = parseGid(productId, 'Product');
  return numeric === null ? undefined : shop.products.get(numeric);
}

export const slugify = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

export const productInput = z.object({
  title: z.string().optional(),
  descriptionHtml: z.string().optional(),
  vendor: z.string().optional(),
  productType: z.string().optional(),
  status: z.enum(['ACTIVE', 'DRAFT', 'ARCHIVED']).optional(),
  tags: z.array(z.string()).optional(),
  handle: z.string().optional(),
  productOptions: z.array(z.object({ name: z.string(), values: z.array(z.object({ name: z.string() })) })).optional(),
});

export const variantBulkInput = z.object({
  id: id.optional(),
  price: moneyString.optional(),
  compareAtPrice: moneyString.nullable().optional(),
  optionValues: z.array(z.object({ optionName: z.string(), name: z.string() })).optional(),
  inventoryItem: z.object({ sku: z.string().optional(), tracked: z.boolean().optional() }).optional(),
  inventoryQuantities: z.array(z.object({ availableQuantity: z.number().int(), locationId: id })).optional(),
});

export function toMinor(value: string, currency: string): number {
  const exponent = ['JPY', 'KRW', 'CLP'].includes(currency) ? 0 : 2;
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole) * 10 ** exponent + Number((fraction.replace(/0+$/, '') || '0').padEnd(exponent, '0').slice(0, exponent) || 0);
}
