import { describe, expect, it } from 'vitest';
import { describePush, shopeePushScheme } from './push.ts';
import { signBaseString, signRequest, verifyPushSignature } from './signing.ts';

/**
 * Shopee's v2 authorization guide shows the base string `10090/api/v2/shop/auth_partner1594897040`
 * (partner_id 10090, path, timestamp 1594897040) and its sign 90c12d39…4e5a, but not the partner key it
 * was computed with, so that sign cannot be checked. The base string is checked as published; the HMAC
 * vectors below were derived independently with `openssl dgst -sha256 -hmac <key>` over the same bytes.
 */
const flipBit = (hex: string, bit: number) => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  return bytes.toString('hex');
};

describe('Shopee request signing', () => {
  it("builds the base string of Shopee's published authorization example", () => {
    expect(signBaseString({ partnerId: 10090, path: '/api/v2/shop/auth_partner', timestamp: 1594897040 })).toBe('10090/api/v2/shop/auth_partner1594897040');
  });

  it('signs a public call as openssl does (HMAC-SHA256 hex with the partner key)', () => {
    expect(signRequest('nexo-test-partner-key', { partnerId: 10090, path: '/api/v2/shop/auth_partner', timestamp: 1594897040 })).toBe(
      '0cf5a444757dbacbd918ed883b697781c380c0ad7097ea150327305db20ac14d',
    );
  });

  it('signs a shop call over partner_id + path + timestamp + access_token + shop_id', () => {
    const input = {
      partnerId: 2001887,
      path: '/api/v2/product/get_item_list',
      timestamp: 1655714431,
      accessToken: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
      shopId: 600000101,
    };
    expect(signBaseString(input)).toBe('2001887/api/v2/product/get_item_list1655714431a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6600000101');
    expect(signRequest('shpk-nexo-example-key', input)).toBe('72740cb9b38f21fa1678867fdfd3f5d42a3ed4943396139166c257ffc25777b5');
    // Any change of an input changes the sign.
    for (const changed of [
      { timestamp: 1655714432 },
      { shopId: 600000102 },
      { accessToken: 'b1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' },
      { path: '/api/v2/product/get_item_lis' },
    ])
      expect(signRequest('shpk-nexo-example-key', { ...input, ...changed })).not.toBe('72740cb9b38f21fa1678867fdfd3f5d42a3ed4943396139166c257ffc25777b5');
  });
});

describe('Shopee push verification', () => {
  const url = 'https://nexo.example.com/api/webhooks/shopee/0190b1c2-0000-7000-8000-000000000001';
  const body = Buffer.from(
    '{"shop_id":600000101,"code":3,"timestamp":1655714431,"data":{"ordersn":"220620ABCDEFGH","status":"READY_TO_SHIP","update_time":1655714431}}',
  );
  const signature = 'e4a208946ab887ab414fe9fd22d3de12bc348b4c0793eb6139bd5baeb1f6e070'; // openssl dgst -sha256 -hmac shpk-nexo-example-key over url|body
  const keys = ['shpk-nexo-example-key'];

  it('accepts the openssl-derived signature over url|body, with any active key (rotation)', () => {
    expect(verifyPushSignature({ url, rawBody: body, authorization: signature, keys })).toBe(true);
    expect(verifyPushSignature({ url, rawBody: body, authorization: signature.toUpperCase(), keys: ['old-key', ...keys] })).toBe(true);
  });

  it('rejects every one-bit change of the signature', () => {
    for (let bit = 0; bit < 256; bit++) expect(verifyPushSignature({ url, rawBody: body, authorization: flipBit(signature, bit), keys })).toBe(false);
  });

  it('rejects every one-bit change of the body and of the URL', () => {
    for (let i = 0; i < body.length * 8; i += 7) {
      const changed = Buffer.from(body);
      changed[i >> 3] = (changed[i >> 3] as number) ^ (1 << (i & 7));
      expect(verifyPushSignature({ url, rawBody: changed, authorization: signature, keys })).toBe(false);
    }
    for (let i = 0; i < url.length * 8; i += 5) {
      const bytes = Buffer.from(url);
      bytes[i >> 3] = (bytes[i >> 3] as number) ^ (1 << (i & 7));
      expect(verifyPushSignature({ url: bytes.toString('latin1'), rawBody: body, authorization: signature, keys })).toBe(false);
    }
  });

  it('refuses missing, short, long and non-hex signatures, and a wrong key, without throwing', () => {
    for (const authorization of [undefined, '', signature.slice(0, 63), `${signature}0`, `${signature.slice(0, 63)}g`, `Bearer ${signature}`])
      expect(verifyPushSignature({ url, rawBody: body, authorization, keys })).toBe(false);
    expect(verifyPushSignature({ url, rawBody: body, authorization: signature, keys: ['another-key'] })).toBe(false);
    expect(verifyPushSignature({ url, rawBody: body, authorization: signature, keys: [] })).toBe(false);
  });

  it('verifies through the webhook scheme and names the order; without the URL nothing verifies', () => {
    const headers = { authorization: signature };
    const verified = shopeePushScheme.verify({ rawBody: body, headers, secrets: keys, now: new Date(), url });
    expect(verified).toMatchObject({ topic: 'order_status_push', accountId: '600000101', resource: { type: 'order', id: '220620ABCDEFGH' } });
    expect(shopeePushScheme.verify({ rawBody: body, headers, secrets: keys, now: new Date() })).toBeNull();
  });

  it('gives a live push and its lost-push copy (data as a JSON string, keys reordered) the same event id', () => {
    const live = describePush({ shop_id: 1, code: 3, timestamp: 10, data: { ordersn: 'A1', status: 'SHIPPED' } });
    const lost = describePush({ shop_id: 1, code: 3, timestamp: 10, data: '{"status":"SHIPPED","ordersn":"A1"}' });
    const other = describePush({ shop_id: 1, code: 3, timestamp: 11, data: { ordersn: 'A1', status: 'SHIPPED' } });
    expect(live?.eventId).toBe(lost?.eventId);
    expect(other?.eventId).not.toBe(live?.eventId);
  });
});
