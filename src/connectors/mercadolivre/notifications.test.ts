import { describe, expect, it } from 'vitest';
import { isForStore, mlNotificationScheme, parseMlNotification } from './notifications.ts';

const sample = {
  _id: 'f9f08571-1f65-4c46-9e0a-c0f43faac1ea',
  resource: '/orders/2000003508419013',
  user_id: 123456789,
  topic: 'orders_v2',
  application_id: 2069392825111111,
  attempts: 1,
  sent: '2024-05-01T13:44:33.006Z',
  received: '2024-05-01T13:44:32.984Z',
};

describe('Mercado Livre notifications', () => {
  it('parses an orders_v2 notification into a hint to re-fetch the order', () => {
    const parsed = parseMlNotification(JSON.stringify(sample));
    expect(parsed).toMatchObject({
      topic: 'orders_v2',
      userId: '123456789',
      applicationId: '2069392825111111',
      eventId: sample._id,
      hint: { kind: 'order', orderId: '2000003508419013' },
    });
  });

  it('recognises items, questions and other topics', () => {
    const of = (topic: string, resource: string) => parseMlNotification(Buffer.from(JSON.stringify({ ...sample, topic, resource })))?.hint;
    expect(of('items', '/items/MLB3000001001')).toEqual({ kind: 'item', itemId: 'MLB3000001001' });
    expect(of('items_prices', '/items/MLB3000001001/prices')).toEqual({ kind: 'item', itemId: 'MLB3000001001' });
    expect(of('questions', '/questions/13245')).toEqual({ kind: 'question', questionId: '13245' });
    expect(of('payments', '/collections/123')).toEqual({ kind: 'other', resource: '/collections/123' });
    // A resource that does not match its topic is not trusted as that kind.
    expect(of('orders_v2', '/items/MLB1')).toEqual({ kind: 'other', resource: '/items/MLB1' });
  });

  it('deduplicates retries without an _id by topic, resource and received', () => {
    const { _id, ...rest } = sample;
    const first = parseMlNotification(JSON.stringify({ ...rest, attempts: 1 }));
    const retry = parseMlNotification(JSON.stringify({ ...rest, attempts: 2, sent: '2024-05-01T13:45:00.000Z' }));
    expect(first?.eventId).toBe(retry?.eventId);
  });

  it('refuses malformed bodies with null (never throws)', () => {
    expect(parseMlNotification('not json')).toBeNull();
    expect(parseMlNotification('{}')).toBeNull();
    expect(parseMlNotification(JSON.stringify({ ...sample, user_id: 'abc' }))).toBeNull();
    expect(parseMlNotification(JSON.stringify({ ...sample, resource: '' }))).toBeNull();
  });

  it('counts a notification only for our application and the store seller', () => {
    const parsed = parseMlNotification(JSON.stringify(sample));
    if (!parsed) throw new Error('expected a notification');
    expect(isForStore(parsed, { userId: '123456789', applicationId: '2069392825111111' })).toBe(true);
    expect(isForStore(parsed, { userId: '123456780', applicationId: '2069392825111111' })).toBe(false);
    expect(isForStore(parsed, { userId: '123456789', applicationId: '1' })).toBe(false);
  });

  it('the scheme routes by seller and names the item or order to re-fetch', () => {
    const parse = (fields: Record<string, unknown>) => mlNotificationScheme.parse(Buffer.from(JSON.stringify({ ...sample, ...fields })));
    expect(parse({ topic: 'orders_v2', resource: '/orders/2000001234' })).toMatchObject({
      accountId: '123456789',
      applicationId: '2069392825111111',
      resource: { type: 'order', id: '2000001234' },
    });
    expect(parse({ topic: 'items', resource: '/items/MLB3000000001' })?.resource).toEqual({ type: 'product', id: 'MLB3000000001' });
    expect(parse({ topic: 'questions', resource: '/questions/77' })?.resource).toEqual({ type: 'other', id: '77' });
    expect(parse({ topic: 'payments', resource: '/collections/1' })?.resource).toEqual({ type: 'other', id: null });
    expect(mlNotificationScheme.parse(Buffer.from('[]'))).toBeNull();
  });
});
