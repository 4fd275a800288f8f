import { z } from 'zod';

export const storeIdParamsSchema = z.object({ storeId: z.uuid({ error: 'expected a store id (UUID)' }).describe('The store') });

const lane = z.enum(['inventory', 'price', 'content']);

export const bucketViewSchema = z.object({
  bucket: z.string().describe('`default`, or the operation / API family with its own limit (Amazon SP-API operations, Shopify `graphql`)'),
  capacity: z.number().describe('Tokens when full (burst), as published or as learned from the channel'),
  refillPerSecond: z.number().describe('Tokens added per second'),
  tokens: z.number().describe('Tokens now; negative when inventory updates have booked future tokens'),
  published: z.object({ capacity: z.number(), refillPerSecond: z.number() }).describe('The channel defaults or the store override'),
  pausedUntil: z.iso.datetime().nullable().describe('The channel asked us to stop (429, Retry-After) until then'),
  learnedFrom: z.string().nullable().describe('Channel signal the current limits come from, if any'),
  waitingLanes: z.array(lane).describe('Lanes refused a token recently (lower lanes yield to them)'),
});

export const breakerViewSchema = z.object({
  operation: z.string(),
  state: z.enum(['closed', 'open', 'half_open']),
  failures: z.number().int().describe('Consecutive failures while closed'),
  probeSuccesses: z.number().int().describe('Successful probes so far while half open'),
  openedAt: z.iso.datetime().nullable(),
  nextProbeAt: z.iso.datetime().nullable().describe('While open: when one process probes the channel again'),
  openCount: z.number().int(),
  lastError: z.string().nullable(),
  lastFailureAt: z.iso.datetime().nullable(),
});

export const storeLimitsResponseSchema = z.object({
  storeId: z.uuid(),
  platform: z.string(),
  buckets: z.array(bucketViewSchema).describe('Token buckets shared by every worker process'),
  breakers: z.array(breakerViewSchema).describe('Circuit breakers of the store, one per operation that has failed at least once'),
  breakerEnabled: z.boolean().describe('ENABLE_CIRCUIT_BREAKER'),
});

export const storeStatuses = ['active', 'paused', 'disconnected', 'error'] as const;
export const storePriorities = ['high', 'normal', 'low'] as const;
export const syncModes = ['full', 'incremental'] as const;

const platformSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a connector id such as shopify')
  .describe('The connector id (GET /api/connectors)');
const storeNameSchema = z.string().trim().min(1).max(120).describe('Display name');
const syncIntervalSchema = z.number().int().min(5).max(1440).describe('Minutes between incremental syncs (5 to 1440)');
const prioritySchema = z.enum(storePriorities).describe('Which stores sync first when several are due');
const connectorConfigSchema = z
  .record(z.string(), z.unknown())
  .describe("The connector's own settings, validated by its configSchema (Shopify: `shop`, optional `apiBaseUrl` for the emulator)");
const credentialsSchema = z
  .record(z.string(), z.unknown())
  .describe("Key entry: the channel credentials, validated by the connector's credentialsSchema, encrypted at rest, never returned");
const webhookSecretsSchema = z
  .array(z.string().min(8).max(500))
  .max(3)
  .describe('Secrets the channel signs webhooks with (several while one is rotated); encrypted at rest, never returned');

export const storeSchema = z.object({
  id: z.uuid(),
  platform: z.string(),
  name: z.string(),
  externalId: z.string().nullable().describe("The store's id on the channel (Shopify: the shop domain)"),
  status: z.enum(storeStatuses),
  syncIntervalMinutes: z.number().int(),
  priority: z.enum(storePriorities),
  connectorConfig: z.record(z.string(), z.unknown()).describe("The connector's settings (no secrets)"),
  credentialFields: z.array(z.string()).describe('Which credential fields are set (never their values)'),
  webhookSecretCount: z.number().int().describe('How many webhook secrets are active'),
  health: z.record(z.string(), z.unknown()).describe('Last connection test and sync outcome'),
  lastSyncedAt: z.iso.datetime().nullable(),
  sync: z
    .object({
      mode: z.enum(syncModes),
      phase: z.enum(['products', 'orders']),
      pages: z.number().int().describe('Pages stored so far'),
      startedAt: z.iso.datetime(),
    })
    .nullable()
    .describe('The sync in progress (or interrupted, resumed by its job), with its checkpoint; null when none'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type StoreView = z.infer<typeof storeSchema>;

export const storesListSchema = z.object({ stores: z.array(storeSchema) });

export const createStoreRequestSchema = z.strictObject({
  platform: platformSchema,
  name: storeNameSchema,
  connectorConfig: connectorConfigSchema.default({}),
  credentials: credentialsSchema,
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("The store's id on the channel, if known (filled in by the first connection test otherwise)"),
  syncIntervalMinutes: syncIntervalSchema.optional(),
  priority: prioritySchema.optional(),
  webhookSecrets: webhookSecretsSchema.optional(),
});
export type CreateStoreRequest = z.infer<typeof createStoreRequestSchema>;

export const updateStoreRequestSchema = z.strictObject({
  name: storeNameSchema.optional(),
  syncIntervalMinutes: syncIntervalSchema.optional(),
  priority: prioritySchema.optional(),
  connectorConfig: connectorConfigSchema.optional(),
  credentials: credentialsSchema.optional().describe('Replaces every credential (key rotation)'),
  webhookSecrets: webhookSecretsSchema
    .optional()
    .describe('Replaces the active webhook secrets (put the new one first, keep the old one until the channel uses the new one)'),
});
export type UpdateStoreRequest = z.infer<typeof updateStoreRequestSchema>;

export const testConnectionResponseSchema = z.object({
  ok: z.boolean(),
  externalId: z.string().nullable(),
  shopName: z.string().nullable().describe("The store's name on the channel"),
  currency: z.string().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable().describe('Why the test failed (never a credential)'),
});

export const oauthStartQuerySchema = z.object({
  shop: z.string().describe('The shop domain, e.g. my-store.myshopify.com'),
  name: z.string().trim().min(1).max(120).optional().describe('Display name of the store (defaults to the shop name)'),
});

export const mlOauthStartQuerySchema = z.object({
  name: z.string().trim().min(1).max(120).optional().describe('Display name of the store (defaults to "Mercado Livre <seller id>")'),
});

/** Shopee names the shop only in the callback (shop_id); `shop` is only the emulator's key for the shop. */
export const shopeeOauthStartQuerySchema = z.object({
  name: z.string().trim().min(1).max(120).optional().describe('Display name of the store (defaults to "Shopee <shop_id>")'),
  shop: z
    .string()
    .regex(/^[a-z0-9-]{0,60}$/)
    .default('')
    .describe('Only with SHOPEE_API_BASE_URL containing {shop} (the emulator): the emulated shop key'),
});

export const oauthCallbackQuerySchema = z
  .record(z.string(), z.string())
  .describe('The query string the channel sends back (code, hmac, shop, state, timestamp, host)');

export const webhookPathParamsSchema = z.object({
  platform: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a connector id')
    .describe('The connector id (shopify)'),
  storeId: z.string().max(64).describe('The store the channel was told to call'),
});

export const webhookReceivedSchema = z.object({
  received: z.literal(true),
  eventId: z.string().describe("The channel's event id (Shopify: X-Shopify-Webhook-Id)"),
  duplicate: z.boolean().describe('Already received: not processed again'),
});

export const appNotificationReceivedSchema = z
  .object({ received: z.literal(true) })
  .describe('The same answer whether the notification was stored, a duplicate or ignored: an unsigned caller learns nothing about which sellers are connected');

export const webhookEventSchema = z.object({
  id: z.uuid(),
  eventId: z.string(),
  topic: z.string(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  status: z.enum(['received', 'processed', 'skipped', 'failed']),
  error: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable().describe('What processing did (or, before the sync tables, would sync)'),
  receivedAt: z.iso.datetime(),
  processedAt: z.iso.datetime().nullable(),
});

export const webhookEventsResponseSchema = z.object({ events: z.array(webhookEventSchema) });

/** Feed files of feed connectors (Kaway): uploads and exports. */
export const feedFileKinds = ['products', 'stock', 'orders'] as const;
export const feedFileFormats = ['csv', 'json'] as const;
export const feedFileParamsSchema = z.object({
  storeId: z.uuid({ error: 'expected a store id (UUID)' }).describe('The store'),
  kind: z.enum(feedFileKinds).describe('What the file holds: products (one row per variant), stock levels or orders (one row per line)'),
});
export const feedRowErrorSchema = z.object({
  row: z.number().int().describe('The spreadsheet row for CSV (header = row 1), the item number for JSON'),
  column: z.string().nullable(),
  message: z.string(),
});
export const feedUploadRequestSchema = z.strictObject({
  format: z.enum(feedFileFormats).optional().describe('csv or json; detected from the content when left out'),
  content: z.string().min(1, 'the file is empty').describe('The file as UTF-8 text (within the request body limit, NEXO_BODY_LIMIT_BYTES)'),
  fileName: z.string().max(255).optional().describe('Shown in the audit log'),
});
export type FeedUploadRequest = z.infer<typeof feedUploadRequestSchema>;
export const feedUploadResponseSchema = z.object({
  kind: z.enum(feedFileKinds),
  format: z.enum(feedFileFormats),
  rows: z.number().int().describe('Data rows read, good and bad'),
  imported: z.number().int().describe('Products, stock levels or orders written'),
  errors: z.array(feedRowErrorSchema).describe("Bad rows skipped (only with the store's partialImport; otherwise one bad row refuses the file with 400)"),
  unknownSkus: z.array(z.string()).describe('Stock rows whose SKU the store does not list (not applied)'),
});
export type FeedUploadResponse = z.infer<typeof feedUploadResponseSchema>;
export const feedExportQuerySchema = z.object({ format: z.enum(feedFileFormats).optional().describe("csv or json (the store's uploadFormat when left out)") });

/** A store as the catalog and orders views name it (their listings and orders carry the store's name and channel). */
export type StoreRef = Pick<StoreView, 'id' | 'name' | 'platform'>;

/** POST /api/stores/{storeId}/sync?mode= */
export const syncStoreQuerySchema = z.strictObject({
  mode: z
    .enum(syncModes)
    .default('incremental')
    .describe('`incremental` (the default) reads what changed since the last sync (a full one when the store never synced); `full` reads everything'),
});

export const syncStoreResponseSchema = z.object({
  jobId: z.uuid().describe('The stores.sync run: follow it at GET /api/jobs/{id}'),
  mode: z.enum(syncModes),
});

/** `details.reason` of the 409 a sync request can get. */
export const syncRefusalReasons = ['store_paused', 'store_disconnected', 'store_error', 'sync_in_progress'] as const;
