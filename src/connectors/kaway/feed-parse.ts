import type { z } from 'zod';
import type { InventoryLevel, Order, Product } from '../../contracts/connectors.ts';
import { parseCsv } from '../../lib/csv.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import { columnsOf, type FeedFormat, type FeedKind, type FeedRowError, LIST_SEPARATOR, requiredColumns, rowSchemas } from './feed-columns.ts';
import { ordersFromRows, productsFromRows, stockFromRows } from './feed-rows.ts';

export type { FeedRowError };

/**
 * Kaway feed files (uploaded or downloaded) -> normalized DTOs. Every row is validated strictly;
 * a bad row is reported with its row number (the spreadsheet row for CSV, header = row 1; the item
 * number for JSON) and the column, never dropped silently. Unless the caller asks for a partial
 * import, one bad row rejects the whole file.
 */
export interface FeedParseResult<T> {
  items: T[];
  errors: FeedRowError[];
  /** Data rows (CSV records or JSON items) read, good and bad. */
  rows: number;
  format: FeedFormat;
}

export interface FeedParseOptions {
  format?: FeedFormat;
  /** Import the good rows even when some are bad (the bad ones are still reported in `errors`). */
  partial?: boolean;
  /** Products and orders without their own timestamps get this one (the feed's Last-Modified, or now). */
  fallbackTime?: string;
}

export type FeedInput = string | Uint8Array | AsyncIterable<Uint8Array | string>;

export interface ParsedRow {
  row: number;
  values: Record<string, string>;
}

const MAX_ERRORS = 1000;
export const MAX_FEED_BYTES = 100 * 1024 * 1024;

export const describeRowError = (error: FeedRowError) => `row ${error.row}${error.column ? `, ${error.column}` : ''}: ${error.message}`;

const refuse = (kind: FeedKind, message: string, details?: unknown) =>
  new ConnectorError(`Kaway ${kind} feed cannot be read: ${message}`, { kind: 'rejected', details });

/** Reads an upload (Buffer, string or stream) into text: UTF-8 only (a BOM is fine), at most MAX_FEED_BYTES. */
export async function readFeedInput(input: FeedInput, kind: FeedKind, maxBytes = MAX_FEED_BYTES): Promise<string> {
  let bytes: Uint8Array;
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) bytes = input;
  else {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of input) {
      const part = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += part.length;
      if (size > maxBytes) throw refuse(kind, `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
      chunks.push(part);
    }
    bytes = Buffer.concat(chunks);
  }
  if (bytes.length > maxBytes) throw refuse(kind, `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuse(kind, 'the file is not UTF-8 text (export it as "CSV UTF-8" or JSON)');
  }
}

export const detectFormat = (text: string): FeedFormat => (/^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv');

function csvRows(kind: FeedKind, text: string, errors: FeedRowError[]): ParsedRow[] {
  const { records, errors: syntax } = parseCsv(text);
  for (const error of syntax) errors.push({ row: error.line, column: null, message: error.message });
  const [header, ...data] = records;
  if (!header) throw refuse(kind, 'the file is empty (expected a header line)');
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const known = columnsOf[kind];
  const unknown = names.filter((name) => !known.includes(name));
  const duplicated = names.filter((name, i) => names.indexOf(name) !== i);
  const missing = requiredColumns[kind].filter((name) => !names.includes(name));
  const problems = [
    unknown.length ? `unknown column(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}` : null,
    duplicated.length ? `repeated column(s) ${duplicated.join(', ')}` : null,
    missing.length ? `missing column(s) ${missing.join(', ')}` : null,
  ].filter(Boolean);
  if (problems.length) throw refuse(kind, `header line: ${problems.join('; ')} (the columns are: ${known.join(', ')})`);
  const rows: ParsedRow[] = [];
  for (const record of data) {
    if (record.fields.length !== names.length) {
      errors.push({
        row: record.line,
        column: null,
        message: `has ${record.fields.length} cells but the header has ${names.length} (an unquoted comma, or a truncated line?)`,
      });
      continue;
    }
    const values: Record<string, string> = Object.fromEntries(known.map((name) => [name, '']));
    names.forEach((name, i) => {
      values[name] = record.fields[i] as string;
    });
    rows.push({ row: record.line, values });
  }
  return rows;
}

function cell(value: unknown): string | null {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.join(LIST_SEPARATOR);
  return null;
}

function jsonRows(kind: FeedKind, text: string, errors: FeedRowError[]): ParsedRow[] {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw refuse(kind, `not valid JSON (${(error as Error).message}); the file may be truncated`);
  }
  const items = Array.isArray(document)
    ? document
    : document && typeof document === 'object'
      ? ((document as Record<string, unknown>).items ?? (document as Record<string, unknown>)[kind])
      : undefined;
  if (!Array.isArray(items)) throw refuse(kind, `expected a JSON array of rows, or an object with an "items" array`);
  const known = columnsOf[kind];
  const rows: ParsedRow[] = [];
  items.forEach((item: unknown, index) => {
    const row = index + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ row, column: null, message: 'is not an object' });
      return;
    }
    const values: Record<string, string> = Object.fromEntries(known.map((name) => [name, '']));
    let ok = true;
    for (const [key, raw] of Object.entries(item as Record<string, unknown>)) {
      const value = cell(raw);
      if (value === null) {
        errors.push({ row, column: key, message: 'must be text, a number, a boolean or a list of those' });
        ok = false;
      } else values[key] = value;
    }
    if (ok) rows.push({ row, values });
  });
  return rows;
}

function describeIssue(issue: z.core.$ZodIssue, values: Record<string, string>): { column: string | null; message: string } {
  if (issue.code === 'unrecognized_keys') return { column: null, message: `unknown field(s) ${issue.keys.join(', ')}` };
  const column = issue.path.length ? String(issue.path[0]) : null;
  const got = column !== null ? values[column] : undefined;
  const shown = got === undefined || got === '' ? '' : ` (got ${JSON.stringify(got.length > 40 ? `${got.slice(0, 40)}…` : got)})`;
  return { column, message: `${issue.message}${shown}` };
}

/** Validates every row against the kind's schema; returns the typed rows and records the bad ones. */
function validateRows<K extends FeedKind>(kind: K, rows: ParsedRow[], errors: FeedRowError[]) {
  const schema = rowSchemas[kind];
  const good: Array<{ row: number; data: z.infer<(typeof rowSchemas)[K]> }> = [];
  for (const row of rows) {
    const parsed = schema.safeParse(row.values);
    if (parsed.success) good.push({ row: row.row, data: parsed.data as z.infer<(typeof rowSchemas)[K]> });
    else for (const issue of parsed.error.issues) errors.push({ row: row.row, ...describeIssue(issue, row.values) });
  }
  return good;
}

function finish<T>(kind: FeedKind, result: FeedParseResult<T>, options: FeedParseOptions): FeedParseResult<T> {
  result.errors.sort((a, b) => a.row - b.row);
  if (result.errors.length > MAX_ERRORS) result.errors.length = MAX_ERRORS;
  if (result.errors.length > 0 && !options.partial) {
    const bad = new Set(result.errors.map((e) => e.row)).size;
    const first = result.errors.slice(0, 5).map(describeRowError).join('; ');
    throw new ConnectorError(`Kaway ${kind} feed has ${bad} invalid row(s), nothing was imported: ${first}${result.errors.length > 5 ? '; …' : ''}`, {
      kind: 'rejected',
      details: { errors: result.errors, rows: result.rows },
    });
  }
  return result;
}

function rowsOf(kind: FeedKind, text: string, options: FeedParseOptions, errors: FeedRowError[]) {
  const format = options.format ?? detectFormat(text);
  const rows = format === 'json' ? jsonRows(kind, text, errors) : csvRows(kind, text, errors);
  const count = new Set([...rows.map((r) => r.row), ...errors.map((e) => e.row)]).size;
  return { format, rows, count };
}

export function parseProductsFeed(text: string, options: FeedParseOptions = {}): FeedParseResult<Product> {
  const errors: FeedRowError[] = [];
  const { format, rows, count } = rowsOf('products', text, options, errors);
  const items = productsFromRows(validateRows('products', rows, errors), errors, options.fallbackTime ?? new Date().toISOString());
  return finish('products', { items, errors, rows: count, format }, options);
}

export function parseStockFeed(text: string, options: FeedParseOptions = {}): FeedParseResult<InventoryLevel> {
  const errors: FeedRowError[] = [];
  const { format, rows, count } = rowsOf('stock', text, options, errors);
  const items = stockFromRows(validateRows('stock', rows, errors), errors);
  return finish('stock', { items, errors, rows: count, format }, options);
}

export function parseOrdersFeed(text: string, options: FeedParseOptions = {}): FeedParseResult<Order> {
  const errors: FeedRowError[] = [];
  const { format, rows, count } = rowsOf('orders', text, options, errors);
  const orders = ordersFromRows(validateRows('orders', rows, errors), errors, options.fallbackTime ?? new Date().toISOString());
  // An order missing a line would have a wrong total: a partial import leaves out every order with a bad row.
  const badRows = new Set(errors.map((e) => e.row));
  const badOrders = new Set(rows.filter((r) => badRows.has(r.row)).map((r) => r.values.order_id?.trim()));
  const items = orders.filter((order) => !badOrders.has(order.channelId));
  return finish('orders', { items, errors, rows: count, format }, options);
}

export interface FeedDtos {
  products: Product;
  stock: InventoryLevel;
  orders: Order;
}

/** Parses an uploaded or downloaded Kaway file of the given kind. */
export async function importFeed<K extends FeedKind>(kind: K, input: FeedInput, options: FeedParseOptions = {}): Promise<FeedParseResult<FeedDtos[K]>> {
  const text = await readFeedInput(input, kind);
  return parseFeedText(kind, text, options);
}

export function parseFeedText<K extends FeedKind>(kind: K, text: string, options: FeedParseOptions = {}): FeedParseResult<FeedDtos[K]> {
  const parsers = { products: parseProductsFeed, stock: parseStockFeed, orders: parseOrdersFeed };
  return parsers[kind](text, options) as FeedParseResult<FeedDtos[K]>;
}
