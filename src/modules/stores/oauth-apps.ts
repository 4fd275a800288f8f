import type { Config } from '../../config.ts';

/** The variables that configure each platform's OAuth app (named in "not configured" errors). */
export const oauthAppEnv: Record<string, string> = {
  shopify: 'SHOPIFY_CLIENT_ID, SHOPIFY_CLIENT_SECRET',
  mercadolivre: 'MERCADOLIVRE_CLIENT_ID, MERCADOLIVRE_CLIENT_SECRET',
  shopee: 'SHOPEE_PARTNER_ID, SHOPEE_PARTNER_KEY',
  tiktokshop: 'TIKTOKSHOP_APP_KEY, TIKTOKSHOP_APP_SECRET',
};

/** The OAuth app of this deployment on a platform (client id and secret), when the operator configured both. */
export function oauthAppOf(channels: Config['channels'], platform: string): { clientId: string; clientSecret: string } | undefined {
  const app = (channels as Record<string, { clientId?: string; clientSecret?: string } | undefined>)[platform];
  return app?.clientId && app.clientSecret ? { clientId: app.clientId, clientSecret: app.clientSecret } : undefined;
}
