import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialFieldsOf, openCredentials, openWebhookSecrets, sealCredentials, sealWebhookSecrets } from './store-secrets.ts';

const key = randomBytes(32);
const org = '0190a000-0000-7000-8000-000000000001';
const store = '0190a000-0000-7000-8000-0000000000aa';

describe('store secrets at rest', () => {
  it('round-trips, and the sealed text does not contain the secret', () => {
    const sealed = sealCredentials(key, org, store, { accessToken: 'shpat_secret_value', scopes: 'read_products' });
    expect(sealed).not.toContain('shpat_secret_value');
    expect(openCredentials(key, org, store, sealed)).toEqual({ accessToken: 'shpat_secret_value', scopes: 'read_products' });
  });

  it('does not open on another store, another org, as webhook secrets, or with another key', () => {
    const sealed = sealCredentials(key, org, store, { accessToken: 'x' });
    expect(() => openCredentials(key, org, '0190a000-0000-7000-8000-0000000000bb', sealed)).toThrow(/could not be decrypted/);
    expect(() => openCredentials(key, '0190a000-0000-7000-8000-000000000002', store, sealed)).toThrow(/could not be decrypted/);
    expect(() => openWebhookSecrets(key, org, store, sealed)).toThrow(/could not be decrypted/);
    expect(() => openCredentials(randomBytes(32), org, store, sealed)).toThrow(/could not be decrypted/);
  });

  it('seals webhook secrets as a list (none is null) and lists only the credential fields that hold a value', () => {
    expect(sealWebhookSecrets(key, org, store, [])).toBeNull();
    expect(openWebhookSecrets(key, org, store, null)).toEqual([]);
    const sealed = sealWebhookSecrets(key, org, store, ['new', 'old']) as string;
    expect(openWebhookSecrets(key, org, store, sealed)).toEqual(['new', 'old']);
    expect(credentialFieldsOf({ b: 'x', a: 'y', empty: '', gone: null, missing: undefined })).toEqual(['a', 'b']);
  });
});
