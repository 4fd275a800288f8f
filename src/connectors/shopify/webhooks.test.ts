import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { oauthMessage, readWebhookHeaders, shopifyWebhookScheme, verifyOAuthCallbackHmac, verifyWebhookHmac } from './webhooks.ts';

// Shopify's published OAuth callback example (shopify.dev, "Verify a request"), secret "hush".
const example =
  'code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173';

/** Every string obtained by flipping one bit of one character of `text` (kept printable ASCII, so it is still a query). */
function oneBitChanges(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    for (let bit = 0; bit < 7; bit++) {
      const code = text.charCodeAt(i) ^ (1 << bit);
      if (code < 0x21 || code > 0x7e) continue;
      out.push(text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1));
    }
  }
  return out;
}

describe('Shopify OAuth callback hmac', () => {
  it("verifies Shopify's published example", () => {
    expect(verifyOAuthCallbackHmac(new URLSearchParams(example), 'hush')).toBe(true);
    expect(verifyOAuthCallbackHmac(Object.fromEntries(new URLSearchParams(example)), 'hush')).toBe(true);
    // Parameter order does not matter: the message is sorted.
    const shuffled = new URLSearchParams(example.split('&').reverse().join('&'));
    expect(verifyOAuthCallbackHmac(shuffled, 'hush')).toBe(true);
  });

  it('rejects every one-bit change of the query and of the secret', () => {
    const variants = oneBitChanges(example);
    expect(variants.length).toBeGreaterThan(800);
    let accepted = 0;
    for (const changed of variants) {
      if (verifyOAuthCallbackHmac(new URLSearchParams(changed), 'hush')) accepted++;
    }
    expect(accepted).toBe(0);
    for (const secret of oneBitChanges('hush')) expect(verifyOAuthCallbackHmac(new URLSearchParams(example), secret)).toBe(false);
  });

  it('builds the signed message as Shopify documents it: sorted, hmac dropped, only % and & escaped (and = in keys)', () => {
    expect(oauthMessage(new URLSearchParams(example))).toBe(
      'code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173',
    );
    const query = { timestamp: '1', state: 'a&b%c d', shop: 'x.myshopify.com', 'k=y': 'v', signature: 'legacy' };
    const message = 'k%3Dy=v&shop=x.myshopify.com&state=a%26b%25c d&timestamp=1';
    expect(oauthMessage(query)).toBe(message);
    const hmac = createHmac('sha256', 'hush').update(message).digest('hex');
    expect(verifyOAuthCallbackHmac({ ...query, hmac }, 'hush')).toBe(true);
    expect(verifyOAuthCallbackHmac({ ...query, hmac: hmac.toUpperCase() }, 'hush')).toBe(false);
  });

  it('rejects a missing, empty, short or non-hex hmac without throwing', () => {
    const query = new URLSearchParams(example);
    query.delete('hmac');
    expect(verifyOAuthCallbackHmac(query, 'hush')).toBe(false);
    for (const bad of ['', 'abc', 'z'.repeat(64), `${'0'.repeat(63)}`, `${'0'.repeat(65)}`]) {
      query.set('hmac', bad);
      expect(verifyOAuthCallbackHmac(query, 'hush')).toBe(false);
    }
    expect(verifyOAuthCallbackHmac(new URLSearchParams(example), '')).toBe(false);
  });
});

describe('Shopify webhook hmac', () => {
  const body = Buffer.from('{"id":820982911946154500,"email":"jon@example.com","total_price":"403.00"}');
  const secret = 'shpss_0123456789abcdef';
  const header = createHmac('sha256', secret).update(body).digest('base64');

  it('accepts the base64 HMAC of the raw body under any active secret', () => {
    expect(verifyWebhookHmac(body, header, [secret])).toBe(true);
    expect(verifyWebhookHmac(body, header, ['old-secret', secret])).toBe(true);
    expect(verifyWebhookHmac(body.toString(), header, [secret])).toBe(true);
  });

  it('rejects every one-bit change of the body, of the header and a wrong secret', () => {
    for (let i = 0; i < body.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = Buffer.from(body);
        changed[i] = (changed[i] as number) ^ (1 << bit);
        expect(verifyWebhookHmac(changed, header, [secret])).toBe(false);
      }
    }
    const raw = Buffer.from(header, 'base64');
    for (let i = 0; i < raw.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = Buffer.from(raw);
        changed[i] = (changed[i] as number) ^ (1 << bit);
        expect(verifyWebhookHmac(body, changed.toString('base64'), [secret])).toBe(false);
      }
    }
    expect(verifyWebhookHmac(body, header, ['another'])).toBe(false);
    expect(verifyWebhookHmac(body, header, [])).toBe(false);
    expect(verifyWebhookHmac(body, header, [''])).toBe(false);
  });

  it('rejects missing or wrong-length signatures without throwing', () => {
    for (const bad of [undefined, null, '', 'abc', `${header}A`, header.slice(0, -2), 'x'.repeat(1000)]) {
      expect(verifyWebhookHmac(body, bad, [secret])).toBe(false);
    }
  });

  it('reads the X-Shopify-* headers', () => {
    const headers = {
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-shop-domain': 'some-shop.myshopify.com',
      'x-shopify-api-version': '2025-01',
    };
    expect(readWebhookHeaders(headers)).toMatchObject({ topic: 'orders/create', shopDomain: 'some-shop.myshopify.com', apiVersion: '2025-01' });
    expect(readWebhookHeaders({ ...headers, 'x-shopify-shop-domain': 'evil.example.com' })).toBeNull();
    expect(readWebhookHeaders({ ...headers, 'x-shopify-webhook-id': undefined })).toBeNull();
    expect(readWebhookHeaders(new Headers(headers))).toMatchObject({ topic: 'orders/create' });
  });

  it('names the resource by the GraphQL id the connector reads it with', () => {
    const resource = (topic: string, payload: unknown) => {
      const raw = Buffer.from(JSON.stringify(payload));
      const headers = {
        'x-shopify-topic': topic,
        'x-shopify-webhook-id': 'w-1',
        'x-shopify-shop-domain': 'some-shop.myshopify.com',
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(raw).digest('base64'),
      };
      return shopifyWebhookScheme.verify({ rawBody: raw, headers, secrets: [secret], now: new Date() })?.resource;
    };
    expect(resource('orders/updated', { id: 450789469, admin_graphql_api_id: 'gid://shopify/Order/450789469' })).toEqual({
      type: 'order',
      id: 'gid://shopify/Order/450789469',
    });
    expect(resource('orders/create', { id: 450789469 })).toEqual({ type: 'order', id: 'gid://shopify/Order/450789469' });
    expect(resource('products/update', { id: '632910392' })).toEqual({ type: 'product', id: 'gid://shopify/Product/632910392' });
    expect(resource('inventory_levels/update', { inventory_item_id: 271878346, available: 5 })).toEqual({
      type: 'inventory',
      id: 'gid://shopify/InventoryItem/271878346',
    });
    expect(resource('app/uninstalled', { id: 548380009 })).toEqual({ type: 'other', id: null });
    expect(resource('orders/create', { note: 'no id' })).toEqual({ type: 'order', id: null });
  });
});
