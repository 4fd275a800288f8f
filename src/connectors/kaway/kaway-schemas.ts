import { z } from 'zod';
import { feedFormats } from './feed-columns.ts';

const feedUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

/** A Kaway store: where its feeds live (Kaway publishes no API, see docs/connectors.md). */
export const kawayConfigSchema = z.object({
  /** The seller's Kaway id or shop name: the store's external id. */
  sellerId: z.string().min(1),
  name: z.string().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('BRL'),
  /** Watched feed URLs (HTTP GET, conditional on ETag / Last-Modified). Without one, that kind is imported from uploads only. */
  productsFeedUrl: feedUrl.optional(),
  stockFeedUrl: feedUrl.optional(),
  ordersFeedUrl: feedUrl.optional(),
  /** Where `setInventory` PUTs the stock file Kaway ingests (a drop location); without it stock is exported as a file to upload by hand. */
  stockUploadUrl: feedUrl.optional(),
  uploadFormat: z.enum(feedFormats).default('csv'),
  /** Import the good rows of a feed with bad rows (the bad ones are reported either way). */
  partialImport: z.boolean().default(false),
});
export type KawayConfig = z.infer<typeof kawayConfigSchema>;

/** Feed host credentials: none, HTTP basic or a bearer token (sent only to the feed URLs' own origin). */
export const kawayCredentialsSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }),
    z.object({ type: z.literal('bearer'), token: z.string().min(1) }),
  ])
  .default({ type: 'none' });
export type KawayCredentials = z.infer<typeof kawayCredentialsSchema>;
