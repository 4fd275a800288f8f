import { describe, expect, it } from 'vitest';
import { type MlItem, type MlOrder, parseInventoryItemId, toListings, toOrder, toProduct } from './mappers.ts';

const item: MlItem = {
  id: 'MLB3000001001',
  title: 'Camiseta Algodão',
  category_id: 'MLB31447',
  price: 49.9,
  original_price: 69.9,
  currency_id: 'BRL',
  available_quantity: 7,
  pictures: [{ secure_url: 'https://http2.mlstatic.com/D_1.jpg', url: 'http://http2.mlstatic.com/D_1.jpg' }],
  video_id: null,
  attributes: [{ id: 'BRAND', value_name: 'Nexo' }],
  variations: [
    {
      id: 174997747229,
      price: 49.9,
      available_quantity: 3,
      attribute_combinations: [
        { name: 'Cor', value_name: 'Azul' },
        { name: 'Tamanho', value_name: 'M' },
      ],
      attributes: [{ id: 'SELLER_SKU', value_name: 'CAM-AZ-M' }],
    },
    { id: 174997747230, price: 54.9, available_quantity: 4, attribute_combinations: [{ name: 'Cor', value_name: 'Preto' }], seller_custom_field: 'CAM-PR' },
  ],
  status: 'paused',
  date_created: '2024-05-01T10:00:00.000-03:00',
  last_updated: '2024-05-02T23:30:00.000-03:00',
};

describe('Mercado Livre mappers', () => {
  it('maps an item with variations: exact minor units, SKUs, stock ids, UTC dates, paused as draft', () => {
    const product = toProduct(item, 'Descrição');
    expect(product).toMatchObject({ channelId: 'MLB3000001001', status: 'draft', vendor: 'Nexo', productType: 'MLB31447', description: 'Descrição' });
    expect(product.updatedAt).toBe('2024-05-03T02:30:00.000Z');
    expect(product.variants.map((v) => [v.channelId, v.sku, v.price.amount, v.inventoryItemId, v.quantity])).toEqual([
      ['174997747229', 'CAM-AZ-M', 4990, 'MLB3000001001:174997747229', 3],
      ['174997747230', 'CAM-PR', 5490, 'MLB3000001001:174997747230', 4],
    ]);
    expect(product.variants[0]?.attributes).toEqual({ Cor: 'Azul', Tamanho: 'M' });
    expect(product.variants[0]?.compareAtPrice?.amount).toBe(6990);
  });

  it('maps an item without variations as its own single variant', () => {
    const plain = toProduct({ ...item, variations: [], attributes: [{ id: 'SELLER_SKU', value_name: 'SKU-1' }], status: 'closed' });
    expect(plain.status).toBe('archived');
    expect(plain.variants).toHaveLength(1);
    expect(plain.variants[0]).toMatchObject({
      channelId: 'MLB3000001001',
      sku: 'SKU-1',
      inventoryItemId: 'MLB3000001001',
      quantity: 7,
      price: { amount: 4990 },
    });
    expect(toListings(plain)[0]).toMatchObject({
      channelListingId: 'MLB3000001001',
      status: 'inactive',
      url: 'https://produto.mercadolivre.com.br/MLB-3000001001-_JM',
    });
  });

  it('parses stock ids and refuses anything else', () => {
    expect(parseInventoryItemId('MLB123')).toEqual({ itemId: 'MLB123', variationId: null });
    expect(parseInventoryItemId('MLB123:456')).toEqual({ itemId: 'MLB123', variationId: 456 });
    expect(() => parseInventoryItemId('gid://shopify/InventoryItem/1')).toThrow(/stock id/);
  });

  it('maps orders: lines from order_items, total equals the lines, status and shipping tags', () => {
    const order: MlOrder = {
      id: 2000003508419013,
      status: 'paid',
      date_created: '2024-05-01T10:00:00.000-04:00',
      last_updated: '2024-05-01T11:00:00.000-04:00',
      total_amount: 154.7,
      currency_id: 'BRL',
      pack_id: null,
      tags: ['paid', 'delivered'],
      order_items: [
        { item: { id: 'MLB1', title: 'A', variation_id: 174997747229, seller_sku: 'CAM-AZ-M' }, quantity: 2, unit_price: 49.9 },
        { item: { id: 'MLB2', title: 'B', variation_id: null, seller_sku: null, seller_custom_field: 'B-1' }, quantity: 1, unit_price: 54.9 },
      ],
    };
    const mapped = toOrder(order);
    expect(mapped).toMatchObject({
      channelId: '2000003508419013',
      number: '2000003508419013',
      email: null,
      financialStatus: 'paid',
      fulfillmentStatus: 'fulfilled',
    });
    expect(mapped.total.amount).toBe(15470);
    expect(mapped.lines.reduce((sum, line) => sum + line.total.amount, 0)).toBe(15470);
    expect(mapped.lines.map((l) => [l.sku, l.channelVariantId])).toEqual([
      ['CAM-AZ-M', '174997747229'],
      ['B-1', 'MLB2'],
    ]);
    expect(mapped.createdAt).toBe('2024-05-01T14:00:00.000Z');
    expect(toOrder({ ...order, status: 'cancelled', tags: [] })).toMatchObject({
      cancelled: true,
      financialStatus: 'voided',
      fulfillmentStatus: 'unfulfilled',
    });
  });
});
