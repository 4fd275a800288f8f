import { describe, expect, it } from 'vitest';
import { signatureBase, signRequest, verifyWebhookSignature, webhookSignature } from './signing.ts';
import { tiktokShopWebhookScheme, webhookSecretOf } from './webhooks.ts';

/** Flips one bit of one character of a string (every position, both ways). */
const oneBitChanges = (text: string): string[] =>
  Array.from({ length: text.length }, (_, i) => text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1));

// "Sign your API request" (TikTok Shop Partner Center, API 202309): Get Authorized Shops, app_secret e59af819cc.
// The page's step-by-step result is b596b73e…; its curl line shows another sign (bc721f0e…) that does not
// follow from its own inputs, so the step-by-step result is the vector.
const official = { appSecret: 'e59af819cc', path: '/authorization/202309/shops', query: { app_key: '29a39d', timestamp: '1623812664' } };
const officialSign = 'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8';

describe('TikTok Shop request signing', () => {
  it("matches TikTok Shop's published example", () => {
    expect(signatureBase(official)).toBe('/authorization/202309/shopsapp_key29a39dtimestamp1623812664');
    expect(signRequest(official)).toBe(officialSign);
  });

  it('builds the published body-bearing base string (Update Shop Webhook) and signs it like openssl dgst -sha256 -hmac', () => {
    const input = {
      appSecret: 'e59af819cc',
      path: '/event/202309/webhooks',
      query: { timestamp: '1696909648', app_key: '68xu9ks5p4i8', shop_cipher: 'ROW_xkMbgAAAeVAQra0eZWebFQq5aIK' },
      body: '{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}',
    };
    expect(signatureBase(input)).toBe(
      '/event/202309/webhooksapp_key68xu9ks5p4i8shop_cipherROW_xkMbgAAAeVAQra0eZWebFQq5aIKtimestamp1696909648{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}',
    );
    // The page prints no digest for it: derived independently with `printf '%s' "$secret$base$secret" | openssl dgst -sha256 -hmac "$secret"`.
    expect(signRequest(input)).toBe('cd0d6268252f4ba293bf7ea4c0a2873bf9beec600d22530638564ab301435f7a');
  });

  it('leaves sign and access_token out, sorts keys, and leaves a multipart body out', () => {
    expect(signRequest({ ...official, query: { timestamp: '1623812664', sign: 'x', access_token: 'y', app_key: '29a39d' } })).toBe(officialSign);
    expect(signRequest({ ...official, body: 'file bytes', multipart: true })).toBe(officialSign);
    expect(signRequest({ ...official, body: '{}' })).not.toBe(officialSign);
  });

  it('gives another signature for every one-bit change of the secret, the path, a key, a value or the body', () => {
    const withBody = {
      appSecret: 'e59af819cc',
      path: '/product/202309/products/search',
      query: { app_key: '68xu9ks5p4i8', page_size: '20', shop_cipher: 'ROW_xkMbgAAAeVAQra0eZWebFQq5aIK', timestamp: '1696909648' },
      body: '{"status":"ACTIVATE"}',
    };
    const base = signRequest(withBody);
    expect(base).toBe('6a308ae0aea3dbf0f8fb6eb57604e820b84446f2581d3fd663f18b407669b36e'); // openssl, as above
    const variants: string[] = [
      ...oneBitChanges(withBody.appSecret).map((appSecret) => signRequest({ ...withBody, appSecret })),
      ...oneBitChanges(withBody.path).map((path) => signRequest({ ...withBody, path })),
      ...oneBitChanges(withBody.body).map((body) => signRequest({ ...withBody, body })),
      ...Object.entries(withBody.query).flatMap(([key, value]) => [
        ...oneBitChanges(value).map((changed) => signRequest({ ...withBody, query: { ...withBody.query, [key]: changed } })),
        ...oneBitChanges(key)
          .filter((changed) => changed !== 'sign' && changed !== 'access_token')
          .map((changed) => {
            const { [key]: _, ...rest } = withBody.query as Record<string, string>;
            return signRequest({ ...withBody, query: { ...rest, [changed]: value } });
          }),
      ]),
    ];
    expect(variants.length).toBeGreaterThan(150);
    expect(variants.filter((v) => v === base)).toEqual([]);
  });
});

describe('TikTok Shop webhook signature (Authorization: HMAC-SHA256(app_secret, app_key + body))', () => {
  // TikTok's webhook page gives the rule but no digest for a full body: this vector is derived with openssl
  // (printf '%s' "$app_key$body" | openssl dgst -sha256 -hmac "$app_secret").
  const appKey = '68xu9ks5p4i8';
  const appSecret = 'e59af819cc';
  const body = Buffer.from(
    '{"type":1,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621","timestamp":1644412885,"data":{"order_id":"576461413038785752","order_status":"AWAITING_SHIPMENT","update_time":1644412885}}',
  );
  const signature = '3f67ddd0af15077f0a2dbb669f655cee785ae8dc9c59bea41f88f191029e84ff';
  const headers = { authorization: signature };
  const secrets = [webhookSecretOf(appKey, appSecret)];

  it('matches the independent openssl digest and verifies', () => {
    expect(webhookSignature(appKey, appSecret, body)).toBe(signature);
    expect(verifyWebhookSignature(body, signature, appKey, appSecret)).toBe(true);
    expect(tiktokShopWebhookScheme.verify({ rawBody: body, headers, secrets, now: new Date() })).toEqual({
      eventId: '7327112393057371910',
      topic: 'ORDER_STATUS_CHANGE',
      accountId: '7494049642642441621',
      resource: { type: 'order', id: '576461413038785752' },
    });
  });

  it('rejects every one-bit change of the body, the signature, the app key and the app secret', () => {
    const verify = (raw: Buffer, header: string, secret: string) =>
      tiktokShopWebhookScheme.verify({ rawBody: raw, headers: { authorization: header }, secrets: [secret], now: new Date() });
    for (let i = 0; i < body.length; i++)
      for (const bit of [1, 2, 4, 8, 16, 32, 64, 128]) {
        const changed = Buffer.from(body);
        changed[i] = (changed[i] as number) ^ bit;
        expect(verify(changed, signature, secrets[0] as string)).toBeNull();
      }
    for (const changed of oneBitChanges(signature)) expect(verify(body, changed, secrets[0] as string)).toBeNull();
    for (const key of oneBitChanges(appKey)) expect(verify(body, signature, webhookSecretOf(key, appSecret))).toBeNull();
    for (const secret of oneBitChanges(appSecret)) expect(verify(body, signature, webhookSecretOf(appKey, secret))).toBeNull();
  });

  it('refuses missing, upper-case or malformed headers and secrets without a key, and accepts a rotated secret', () => {
    const verify = (header: string | undefined, list: string[]) =>
      tiktokShopWebhookScheme.verify({ rawBody: body, headers: { authorization: header }, secrets: list, now: new Date() });
    expect(verify(undefined, secrets)).toBeNull();
    expect(verify(signature.toUpperCase(), secrets)).toBeNull();
    expect(verify(`Bearer ${signature}`, secrets)).toBeNull();
    expect(verify(signature, [appSecret])).toBeNull();
    expect(verify(signature, [webhookSecretOf(appKey, 'new-secret'), ...secrets])?.eventId).toBe('7327112393057371910');
    expect(tiktokShopWebhookScheme.credentialSecrets?.({ appKey, appSecret, accessToken: 'a' })).toEqual(secrets);
  });
});
