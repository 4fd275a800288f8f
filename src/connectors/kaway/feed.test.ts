import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InventoryLevel, Order, Product } from '../../contracts/connectors.ts';
import { isConnectorError } from '../sdk/connector-error.ts';
import { renderFeed } from './feed-export.ts';
import { importFeed, parseOrdersFeed, parseProductsFeed, parseStockFeed } from './feed-parse.ts';

const header = 'product_id,title,description,sku,variant_title,option1_name,option1_value,price,compare_at_price,currency,quantity,image_urls,tags';

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('Kaway products feed (CSV)', () => {
  it('reads quoted commas, quoted line breaks, doubled quotes and a BOM', () => {
    const csv =
      '\uFEFF' +
      `${header}\r\n` +
      'P1,"Mug, large","Holds 450ml.\nDishwasher ""safe""",MUG-1-BLK,Black,Color,Black,49.90,59.90,BRL,12,https://img.example/a.jpg|https://img.example/b.jpg,kitchen|sale\r\n' +
      'P1,,,MUG-1-WHT,White,Color,White,49.90,,BRL,0,,\r\n';
    const { items, errors, rows } = parseProductsFeed(csv, { fallbackTime: '2026-01-01T00:00:00.000Z' });
    expect(errors).toEqual([]);
    expect(rows).toBe(2);
    expect(items).toHaveLength(1);
    const product = items[0] as Product;
    expect(product).toMatchObject({
      channelId: 'P1',
      title: 'Mug, large',
      description: 'Holds 450ml.\nDishwasher "safe"',
      tags: ['kitchen', 'sale'],
      images: [
        { url: 'https://img.example/a.jpg', alt: null },
        { url: 'https://img.example/b.jpg', alt: null },
      ],
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(product.variants).toEqual([
      {
        channelId: 'MUG-1-BLK',
        sku: 'MUG-1-BLK',
        title: 'Black',
        price: { amount: 4990, currency: 'BRL' },
        compareAtPrice: { amount: 5990, currency: 'BRL' },
        attributes: { Color: 'Black' },
        inventoryItemId: 'MUG-1-BLK',
        quantity: 12,
      },
      expect.objectContaining({ sku: 'MUG-1-WHT', compareAtPrice: null, quantity: 0 }),
    ]);
  });

  it('accepts a semicolon-delimited file (spreadsheet exports in pt-BR)', () => {
    const { items } = parseProductsFeed('product_id;title;sku;price;currency\nP1;"Caneca; grande";C-1;10.00;BRL\n');
    expect(items[0]?.title).toBe('Caneca; grande');
  });

  it('reports a bad row with its row number and column, and imports nothing unless asked for a partial import', () => {
    const csv = `${header}\nP1,Mug,,MUG-1,,,,49.90,,BRL,3,,\nP2,Cup,,CUP-1,,,,"12,90",,BRL,3,,\nP3,Pot,,POT-1,,,,9.90,,BRL,-1,,\n`;
    const error = rejection(() => parseProductsFeed(csv));
    expect(error.kind).toBe('rejected');
    expect(error.message).toMatch(/2 invalid row\(s\), nothing was imported/);
    expect(error.message).toMatch(/row 3, price: price must be a decimal amount with a dot, e\.g\. 159\.90 \(got "12,90"\)/);
    expect(error.message).toMatch(/row 4, quantity/);
    const partial = parseProductsFeed(csv, { partial: true });
    expect(partial.items.map((p) => p.channelId)).toEqual(['P1']);
    expect(partial.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'price'],
      [4, 'quantity'],
    ]);
    expect(partial.rows).toBe(3);
  });

  it('numbers rows as a spreadsheet does even after a quoted line break', () => {
    const csv = `${header}\nP1,Mug,"two\nlines",MUG-1,,,,49.90,,BRL,3,,\nP2,Cup,,CUP-1,,,,1.999,,BRL,3,,\n`;
    const { errors } = parseProductsFeed(csv, { partial: true });
    expect(errors).toEqual([{ row: 4, column: 'price', message: '1.999 has more decimals than BRL allows' }]);
  });

  it('refuses unknown, repeated or missing columns in the header, naming them', () => {
    expect(rejection(() => parseProductsFeed('product_id,title,sku,price,currency,colour\n')).message).toMatch(/unknown column\(s\) "colour"/);
    expect(rejection(() => parseProductsFeed('product_id,title,sku,price\n')).message).toMatch(/missing column\(s\) currency/);
  });

  it('rejects conflicting product fields, duplicate SKUs, lone options and more decimals than the currency has', () => {
    const csv =
      'product_id,title,sku,price,currency,option1_name,option1_value\n' +
      'P1,Mug,A,10,JPY,,\n' +
      'P1,Cup,B,10,JPY,,\n' +
      'P2,Pot,A,10,JPY,,\n' +
      'P3,Pan,C,10.5,JPY,,\n' +
      'P4,Lid,D,10,JPY,Size,\n';
    const { items, errors } = parseProductsFeed(csv, { partial: true });
    expect(items.map((p) => p.channelId)).toEqual(['P1']);
    expect(errors.map((e) => `${e.row} ${e.column} ${e.message}`)).toEqual([
      '3 title differs from row 2 of the same product ("Mug")',
      '4 sku "A" is already on row 2',
      '5 price 10.5 has more decimals than JPY allows',
      '6 option1_value option1_name and option1_value go together',
    ]);
  });

  it('reports a file cut inside a quoted field at the row it starts', () => {
    const { errors } = parseProductsFeed(`${header}\nP1,Mug,"cut here`, { partial: true });
    expect(errors).toEqual([{ row: 2, column: null, message: expect.stringMatching(/never closed/) }]);
  });
});

describe('Kaway feeds (JSON, uploads)', () => {
  it('reads JSON rows with numbers and lists, and reports items by number', () => {
    const json = JSON.stringify({
      items: [
        { product_id: 'P1', title: 'Mug', sku: 'M-1', price: 49.9, currency: 'BRL', quantity: 3, tags: ['a', 'b'] },
        { product_id: 'P2', title: 'Cup', sku: 'C-1', price: '4.9', currency: 'brl' },
        { product_id: 'P3', title: 'Pot', sku: 'P-1', price: '1', currency: 'BRL', colour: 'red' },
      ],
    });
    const { items, errors, format } = parseProductsFeed(json, { partial: true });
    expect(format).toBe('json');
    expect(items).toHaveLength(1);
    expect(items[0]?.variants[0]?.price).toEqual({ amount: 4990, currency: 'BRL' });
    expect(items[0]?.tags).toEqual(['a', 'b']);
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'currency'],
      [3, null],
    ]);
    expect(errors[1]?.message).toMatch(/unknown field\(s\) colour/);
  });

  it('rejects truncated JSON as a whole', () => {
    expect(rejection(() => parseStockFeed('{"items":[{"sku":"A","quantity":1},{"sku"')).message).toMatch(/not valid JSON.*truncated/);
  });

  it('imports uploads given as a Buffer or a stream, and refuses text that is not UTF-8', async () => {
    const csv = 'sku,quantity\nA,1\nB,2\n';
    expect((await importFeed('stock', Buffer.from(csv))).items).toHaveLength(2);
    expect((await importFeed('stock', Readable.from([Buffer.from(csv.slice(0, 7)), Buffer.from(csv.slice(7))]))).items.map((l) => l.available)).toEqual([1, 2]);
    await expect(importFeed('stock', Buffer.from([0x73, 0x6b, 0x75, 0xff, 0x0a]))).rejects.toThrow(/not UTF-8/);
  });

  it('leaves out, in a partial import, every order that has a bad line (its total would be wrong)', () => {
    const csv =
      'order_id,currency,created_at,sku,quantity,unit_price\n' +
      'O1,BRL,2026-01-02T10:00:00Z,A,2,10.00\n' +
      'O1,BRL,2026-01-02T10:00:00Z,B,0,5.00\n' +
      'O2,BRL,2026-01-01T10:00:00Z,A,1,10.00\n';
    const { items, errors } = parseOrdersFeed(csv, { partial: true });
    expect(items.map((o) => [o.channelId, o.total.amount])).toEqual([['O2', 1000]]);
    expect(errors).toEqual([{ row: 3, column: 'quantity', message: 'quantity must be a whole number of at least 1 (got "0")' }]);
  });
});

describe('Kaway export -> import round trip', () => {
  const products: Product[] = [
    {
      channelId: 'P-100',
      title: 'Premium "Organic" Cotton T-Shirt, unisex',
      description: '<p>Soft.\nBreathable; washes well.</p>',
      vendor: 'Acme',
      productType: 'T-Shirt',
      status: 'draft',
      tags: ['t-shirt', 'organic'],
      handle: 'premium-organic-tee',
      images: [
        { url: 'https://cdn.example/tee-1.jpg', alt: null },
        { url: 'https://cdn.example/tee-2.jpg', alt: null },
      ],
      videoCount: 0,
      variants: [
        {
          channelId: 'TEE-100-BLK-M',
          sku: 'TEE-100-BLK-M',
          title: 'Black / M',
          price: { amount: 7990, currency: 'BRL' },
          compareAtPrice: { amount: 9990, currency: 'BRL' },
          attributes: { Color: 'Black', Size: 'M' },
          inventoryItemId: 'TEE-100-BLK-M',
          quantity: 0,
        },
        {
          channelId: 'TEE-100-BLK-G',
          sku: 'TEE-100-BLK-G',
          title: 'Black / G',
          price: { amount: 8990, currency: 'BRL' },
          compareAtPrice: null,
          attributes: { Color: 'Black', Size: 'G' },
          inventoryItemId: 'TEE-100-BLK-G',
          quantity: null,
        },
      ],
      createdAt: '2025-06-01T12:00:00.000Z',
      updatedAt: '2026-01-05T08:30:00.000Z',
    },
    {
      channelId: 'P-200',
      title: 'Mug',
      description: '',
      vendor: null,
      productType: null,
      status: 'active',
      tags: [],
      handle: null,
      images: [],
      videoCount: 0,
      variants: [
        {
          channelId: 'MUG-200',
          sku: 'MUG-200',
          title: 'Default',
          price: { amount: 1500, currency: 'JPY' },
          compareAtPrice: null,
          attributes: {},
          inventoryItemId: 'MUG-200',
          quantity: 7,
        },
      ],
      createdAt: '2025-06-01T12:00:00.000Z',
      updatedAt: '2025-06-01T12:00:00.000Z',
    },
  ];
  const stock: InventoryLevel[] = [
    { inventoryItemId: 'A', sku: 'A', locationId: null, available: 3 },
    { inventoryItemId: 'A', sku: 'A', locationId: 'SP-1', available: 0 },
  ];
  const orders: Order[] = [
    {
      channelId: '9001',
      number: '#9001',
      email: 'ana@example.com',
      currency: 'BRL',
      subtotal: { amount: 17970, currency: 'BRL' },
      total: { amount: 17970, currency: 'BRL' },
      financialStatus: 'paid',
      fulfillmentStatus: 'unfulfilled',
      cancelled: false,
      lines: [
        {
          channelId: 'L1',
          sku: 'TEE-100-BLK-M',
          title: 'Tee, black',
          quantity: 2,
          unitPrice: { amount: 7990, currency: 'BRL' },
          total: { amount: 15980, currency: 'BRL' },
          channelVariantId: 'TEE-100-BLK-M',
        },
        {
          channelId: 'L2',
          sku: 'MUG-200',
          title: 'Mug',
          quantity: 1,
          unitPrice: { amount: 1990, currency: 'BRL' },
          total: { amount: 1990, currency: 'BRL' },
          channelVariantId: 'MUG-200',
        },
      ],
      createdAt: '2026-01-02T10:00:00.000Z',
      updatedAt: '2026-01-03T10:00:00.000Z',
    },
  ];

  for (const format of ['csv', 'json'] as const) {
    it(`gives back what it exported (${format})`, () => {
      expect(parseProductsFeed(renderFeed('products', products, format)).items).toEqual(products);
      expect(parseStockFeed(renderFeed('stock', stock, format)).items).toEqual(stock);
      expect(parseOrdersFeed(renderFeed('orders', orders, format)).items).toEqual(orders);
    });
  }

  it('writes the documented CSV header', () => {
    expect(renderFeed('stock', stock).split('\r\n')[0]).toBe('sku,quantity,location,updated_at');
    expect(renderFeed('products', []).split('\r\n')[0]).toMatch(/^product_id,handle,title,description,vendor,product_type,status,tags,image_urls,sku,/);
  });
});
