import { z } from 'zod';
import { isShopDomain } from './webhooks.ts';

export const shopifyConfigSchema = z.object({
  shop: z.string().refine(isShopDomain, 'a shop domain like my-store.myshopify.com'),
  /** Only for the emulator (or a proxy): where API calls go instead of https://<shop>. */
  apiBaseUrl: z.url().optional(),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  /** Location for inventory writes; defaults to the shop's primary location. */
  locationId: z.string().optional(),
});
export type ShopifyConfig = z.infer<typeof shopifyConfigSchema>;

export const shopifyCredentialsSchema = z.object({
  /** Offline access token from the OAuth install (`shpat_…`). */
  accessToken: z.string().min(1),
  scopes: z.string().optional(),
});
export type ShopifyCredentials = z.infer<typeof shopifyCredentialsSchema>;

export const defaultShopifyScopes = [
  'read_products',
  'write_products',
  'read_inventory',
  'write_inventory',
  'read_orders',
  'read_merchant_managed_fulfillment_orders',
  'write_merchant_managed_fulfillment_orders',
];
