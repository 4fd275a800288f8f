import { decryptSecret, encryptSecret } from '../../lib/crypto.ts';

/**
 * Store credentials and webhook secrets at rest: AES-256-GCM with the org and store ids as associated
 * data, so a sealed value copied onto another store (or org) does not open. Only this file opens them.
 */
const credentialsAad = (orgId: string, storeId: string) => `${orgId}:${storeId}`;
const webhooksAad = (orgId: string, storeId: string) => `${orgId}:${storeId}:webhooks`;

export const sealCredentials = (key: Buffer, orgId: string, storeId: string, credentials: Record<string, unknown>): string =>
  encryptSecret(key, JSON.stringify(credentials), credentialsAad(orgId, storeId));

export const openCredentials = (key: Buffer, orgId: string, storeId: string, sealed: string): Record<string, unknown> =>
  JSON.parse(decryptSecret(key, sealed, credentialsAad(orgId, storeId))) as Record<string, unknown>;

export const sealWebhookSecrets = (key: Buffer, orgId: string, storeId: string, secrets: readonly string[]): string | null =>
  secrets.length === 0 ? null : encryptSecret(key, JSON.stringify(secrets), webhooksAad(orgId, storeId));

export const openWebhookSecrets = (key: Buffer, orgId: string, storeId: string, sealed: string | null): string[] =>
  sealed ? (JSON.parse(decryptSecret(key, sealed, webhooksAad(orgId, storeId))) as string[]) : [];

/** The credential field names that hold a value (what responses show instead of the values). */
export const credentialFieldsOf = (credentials: Record<string, unknown>): string[] =>
  Object.entries(credentials)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([name]) => name)
    .sort();
