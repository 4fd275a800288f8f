import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signWebhook, verifyWebhook, webhookHeaders } from './standard-webhooks.ts';

describe('Standard Webhooks signatures', () => {
  it('matches the spec: base64 HMAC-SHA256 of "id.timestamp.body" with the base64-decoded whsec_ key', () => {
    const key = Buffer.alloc(32, 9);
    const secret = `whsec_${key.toString('base64')}`;
    const expected = createHmac('sha256', key).update('msg_1.1700000000.{"a":1}').digest('base64');
    expect(signWebhook(secret, 'msg_1', 1_700_000_000, '{"a":1}')).toBe(`v1,${expected}`);
  });

  it('verifies its own headers; refuses a changed body, another secret and an old timestamp', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const now = 1_700_000_000;
    const headers = webhookHeaders(secret, 'd1', now, '{"x":1}');
    expect(verifyWebhook(secret, headers, '{"x":1}', now)).toBe(true);
    expect(verifyWebhook(secret, headers, '{"x":2}', now)).toBe(false);
    expect(verifyWebhook(newSigningSecret(), headers, '{"x":1}', now)).toBe(false);
    expect(verifyWebhook(secret, headers, '{"x":1}', now + 301)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': `v1,bogus ${headers['webhook-signature']}` }, '{"x":1}', now)).toBe(true);
  });
});
