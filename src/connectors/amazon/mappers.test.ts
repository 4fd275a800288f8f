import { describe, expect, it } from 'vitest';
import { orderSchema, productSchema } from '../../contracts/connectors.ts';
import { childSkusOf, type SpListingsItem, type SpOrder, toListings, toOrder, toProduct } from './mappers.ts';

const m = 'A2Q3Y263D00KWC';
const child = (sku: string, amount: string | null, quantity: number, extra: Partial<SpListingsItem> = {}): SpListingsItem => ({
  sku,
  summaries: [
    {
      marketplaceId: m,
      status: amount ? ['BUYABLE', 'DISCOVERABLE'] : ['DISCOVERABLE'],
      itemName: `Tee ${sku}`,
      lastUpdatedDate: `2026-01-0${sku.slice(-1)}T00:00:00Z`,
    },
  ],
  attributes: { size: [{ value: sku.slice(-1) }], list_price: [{ value_with_tax: 99.9 }] },
  offers: amount ? [{ marketplaceId: m, price: { currencyCode: 'BRL', amount } }] : [],
  fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity }],
  relationships: [{ marketplaceId: m, relationships: [{ type: 'VARIATION', parentSkus: ['P-1'] }] }],
  ...extra,
});

describe('Amazon mappers', () => {
  it('maps a parent SKU and its children to one product with one variant per child', () => {
    const parent: SpListingsItem = {
      sku: 'P-1',
      summaries: [{ marketplaceId: m, itemName: 'Tee', productType: 'SHIRT', createdDate: '2025-12-01T00:00:00Z', lastUpdatedDate: '2026-01-01T00:00:00Z' }],
      attributes: {
        parentage_level: [{ value: 'parent' }],
        brand: [{ value: 'Acme' }],
        main_product_image_locator: [{ media_location: 'https://img/1.jpg' }],
        other_product_image_locator_2: [{ media_location: 'https://img/3.jpg' }],
        other_product_image_locator_1: [{ media_location: 'https://img/2.jpg' }],
      },
      relationships: [{ marketplaceId: m, relationships: [{ type: 'VARIATION', childSkus: ['T-1', 'T-2'] }] }],
    };
    expect(childSkusOf(parent)).toEqual(['T-1', 'T-2']);
    const product = productSchema.parse(toProduct(parent, [child('T-1', '49.90', 3), child('T-2', null, 0)], 'BRL'));
    expect(product).toMatchObject({
      channelId: 'P-1',
      title: 'Tee',
      vendor: 'Acme',
      productType: 'SHIRT',
      status: 'active',
      updatedAt: '2026-01-02T00:00:00Z',
    });
    expect(product.images.map((i) => i.url)).toEqual(['https://img/1.jpg', 'https://img/2.jpg', 'https://img/3.jpg']);
    expect(product.variants.map((v) => [v.sku, v.price.amount, v.quantity, v.attributes.Size, v.compareAtPrice?.amount ?? null])).toEqual([
      ['T-1', 4990, 3, '1', 9990],
      // No offer: not buyable, the list price stands in.
      ['T-2', 9990, 0, '2', null],
    ]);
    expect(toListings(product).map((l) => [l.channelListingId, l.fields.parentSku])).toEqual([
      ['T-1', 'P-1'],
      ['T-2', 'P-1'],
    ]);
  });

  it('maps an Orders 2026-01-01 order: lines, totals in minor units, statuses', () => {
    const order: SpOrder = {
      orderId: '702-0001234-0005678',
      createdTime: '2026-01-01T10:00:00Z',
      lastUpdatedTime: '2026-01-01T12:00:00-03:00',
      fulfillment: { fulfillmentStatus: 'PARTIALLY_SHIPPED' },
      buyer: { buyerEmail: 'x@marketplace.amazon.com.br' },
      orderItems: [
        { orderItemId: '1', quantityOrdered: 2, product: { sellerSku: 'T-1', title: 'Tee', price: { unitPrice: { amount: '49.90', currencyCode: 'BRL' } } } },
        { orderItemId: '2', quantityOrdered: 1, product: { sellerSku: 'T-2', price: { unitPrice: { amount: '10', currencyCode: 'BRL' } } } },
      ],
    };
    const mapped = orderSchema.parse(toOrder(order, 'USD'));
    expect(mapped).toMatchObject({
      channelId: order.orderId,
      currency: 'BRL',
      total: { amount: 10980 },
      fulfillmentStatus: 'partial',
      financialStatus: 'paid',
      cancelled: false,
    });
    expect(mapped.updatedAt).toBe('2026-01-01T15:00:00.000Z');
    expect(toOrder({ ...order, fulfillment: { fulfillmentStatus: 'CANCELLED' } }, 'BRL')).toMatchObject({ cancelled: true, financialStatus: 'voided' });
    expect(toOrder({ ...order, fulfillment: { fulfillmentStatus: 'PENDING' } }, 'BRL')).toMatchObject({
      financialStatus: 'pending',
      fulfillmentStatus: 'unfulfilled',
    });
  });
});
