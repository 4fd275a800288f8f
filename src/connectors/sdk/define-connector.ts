import type { z } from 'zod';
import {
  type CapabilityMatrix,
  type CapabilityName,
  type ConnectorInfo,
  capabilityNames,
  type FulfillmentInput,
  type InventoryLevel,
  type InventorySet,
  type Listing,
  type Order,
  type Page,
  type PriceUpdate,
  type Product,
  type ProductInput,
  type ProductUpdate,
} from '../../contracts/connectors.ts';
import { ConnectorError } from './connector-error.ts';
import type { RateLimitSignal } from './http.ts';

/**
 * What a connector gets when it is instantiated for one store: decrypted credentials and the
 * store's config (both validated by the connector's own schemas), plus the hooks that tie it to
 * Nexo's per-store limiter and to tests (fetch, sleep, clock).
 */
export interface ConnectorContext<Credentials, Config> {
  credentials: Credentials;
  config: Config;
  /** Rate-limit observations (Retry-After, Shopify throttleStatus, call-limit headers) for the store's limiter. */
  signals?: (signal: RateLimitSignal) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Aborts every call in flight (shutdown, job cancellation). */
  signal?: AbortSignal;
  /**
   * The OAuth app of this Nexo deployment (client id and secret), for connectors that refresh expiring
   * access tokens themselves (Mercado Livre). Without it such a connector answers an expired token with an
   * `auth` error (reconnect).
   */
  oauthApp?: { clientId: string; clientSecret: string };
  /**
   * Credential rotation: called with the new credentials every time the connector refreshed them, before
   * it uses them. Refresh tokens may rotate (Mercado Livre: the previous refresh token stops working the
   * moment the new one is issued), so the caller must persist `next` as one atomic write (access and
   * refresh token together, e.g. one UPDATE of the encrypted credentials) and resolve only once it is
   * stored. If it rejects, the call fails with a non-retryable `auth` error (the stored refresh token is
   * already dead: the store must be reconnected). Without this callback rotated credentials live only as
   * long as the client.
   */
  onCredentialsRefreshed?: (next: Credentials, previous: Credentials) => Promise<void>;
  /**
   * The credentials as persisted now. A connector calls it when the channel refuses its refresh token
   * (another worker may have rotated it first) and retries once with what it returns; validated with the
   * connector's credentials schema.
   */
  reloadCredentials?: () => Promise<Credentials>;
  /**
   * Kept across the clients the caller builds for one store (Nexo: one map per sync run, whose pages each get a
   * client): what a connector learns about the shop once (Shopee's shop info, for its currency) instead of per
   * client. Keys are the connector's own; a failed lookup must not stay in it.
   */
  shared?: Map<string, Promise<unknown>>;
}

/**
 * The operations a connector may implement; which ones it must implement follows from its
 * capability matrix (checked by the contract suite): a capability that is not `unsupported` needs
 * its method. All methods take and return the normalized DTOs of contracts/connectors.ts and throw
 * only ConnectorError.
 */
export interface ConnectorClient {
  /** Cheap authenticated call: proves the credentials and returns the store's identity. */
  testConnection(): Promise<{ externalId: string; name: string; currency: string }>;
  /** How a product read from this channel appears as listings (one per variant): what the `listings` rows mirror. Pure. */
  listingsOf(product: Product): Listing[];
  /** list_products */
  listProducts?(options?: { cursor?: string | null; limit?: number; updatedSince?: string }): Promise<Page<Product>>;
  getProduct?(channelId: string): Promise<Product | null>;
  /** create_product: idempotent when `handle` is given (a retried create adopts the product it already made). */
  createProduct?(input: ProductInput): Promise<Product>;
  /** update_product */
  updateProduct?(input: ProductUpdate): Promise<Product>;
  /** delete_product: deleting what is already gone succeeds. */
  deleteProduct?(channelId: string): Promise<void>;
  /** update_price */
  updatePrices?(updates: PriceUpdate[]): Promise<void>;
  /** bulk_operations: every product of the store, streamed (channel-side export where the channel has one). */
  exportProducts?(options?: { pollIntervalMs?: number; timeoutMs?: number }): AsyncIterable<Product>;
  getInventory?(inventoryItemIds: string[]): Promise<InventoryLevel[]>;
  /** push_inventory: sets absolute quantities, then reads them back; a mismatch throws `write_not_applied`. */
  setInventory?(levels: InventorySet[]): Promise<InventoryLevel[]>;
  /** pull_orders: oldest update first, so a saved cursor / updatedSince resumes a sync. */
  listOrders?(options?: { cursor?: string | null; limit?: number; updatedSince?: string }): Promise<Page<Order>>;
  /** One order by its channel id (re-fetching a webhook / notification hint); null when it does not exist. */
  getOrder?(channelId: string): Promise<Order | null>;
  /** fulfill_order: ships every open line of the order; fulfilling a fulfilled order returns it unchanged. */
  fulfillOrder?(input: FulfillmentInput): Promise<Order>;
  /** order_webhooks / real_time_inventory: subscribe the store to the topics Nexo needs. */
  subscribeWebhooks?(callbackUrl: string, topics: string[]): Promise<Array<{ topic: string; id: string }>>;
}

export interface OAuth2Auth<Credentials, Config> {
  type: 'oauth2';
  description: string;
  /** Where to send the merchant's browser. */
  /** `clientSecret`: for channels whose authorization link itself is signed (Shopee). */
  authorizeUrl(input: { config: Config; clientId: string; clientSecret?: string; redirectUri: string; state: string; scopes?: string[] }): string;
  /** Verifies the callback (signature, state, shop) and exchanges the code for credentials. */
  completeAuthorization(input: {
    config: Config;
    query: Record<string, string>;
    clientId: string;
    clientSecret: string;
    expectedState: string;
    redirectUri: string;
    fetch?: typeof fetch;
  }): Promise<Credentials>;
  /** The channel account the credentials are for, when the callback names it (Shopee: the shop_id) rather than the install start. */
  accountOf?(credentials: Credentials): string;
  /** Channels with expiring tokens: returns the new credentials (store them atomically, refresh tokens may rotate). */
  refresh?(input: { config: Config; credentials: Credentials; clientId: string; clientSecret: string; fetch?: typeof fetch }): Promise<Credentials>;
}

export interface ApiKeyAuth {
  type: 'api_key';
  description: string;
}

export interface FeedAuth {
  type: 'feed';
  description: string;
}

export type ConnectorAuth<Credentials, Config> = OAuth2Auth<Credentials, Config> | ApiKeyAuth | FeedAuth;

/** A verified inbound webhook, reduced to what Nexo stores and deduplicates on. */
export interface VerifiedWebhook {
  /** The channel's id of this event (deliveries are deduplicated on it). */
  eventId: string;
  topic: string;
  /** The channel account it is about (Shopify: the shop domain): must be the store's external id. */
  accountId: string;
  /** The resource to re-fetch, when the topic names one. */
  resource: { type: 'product' | 'order' | 'inventory' | 'other'; id: string | null };
}

/**
 * How a channel signs its webhooks. `verify` gets the exact bytes received and every active secret
 * (several during a rotation) and must compare in constant time; a missing, malformed or wrong-length
 * signature is simply `null` (never a throw).
 */
export interface WebhookScheme {
  signatureHeader: string;
  /** The topics a store is subscribed to when it is connected (`subscribeWebhooks`). */
  topics?: readonly string[];
  /**
   * Channels that keep the deliveries they could not make (Shopee's lost pushes): one page of them, already
   * reduced to events, and `confirm()` to acknowledge that page once it is stored. The messages may belong to
   * other shops of the same partner app (`accountId` tells which).
   */
  recoverLost?(input: { credentials: unknown; config: unknown; fetch?: typeof fetch }): Promise<{
    events: Array<{ verified: VerifiedWebhook; payload: unknown }>;
    hasMore: boolean;
    confirm(): Promise<void>;
  }>;
  /** Secrets that sign this channel's webhooks and live in the store's credentials (Shopee: the partner key). */
  credentialSecrets?(credentials: unknown): string[];
  /** `url`: the URL the channel was told to call (Shopee signs it together with the body). */
  verify(input: {
    rawBody: Buffer;
    headers: Record<string, string | string[] | undefined>;
    secrets: readonly string[];
    now: Date;
    url?: string;
  }): VerifiedWebhook | null;
}

/**
 * Unsigned notifications posted to ONE callback URL per application (Mercado Livre): nothing proves who sent
 * them, so `parse` only identifies the event (its account, our application, the resource) and Nexo re-fetches
 * the resource with the store's own credentials. Malformed input is `null` (a 400, never a throw).
 */
export interface NotificationScheme {
  parse(rawBody: Buffer): (VerifiedWebhook & { applicationId: string }) | null;
}

/** One entry of a capability matrix as a connector declares it (every capability must be present). */
export type CapabilityDeclaration = CapabilityMatrix;

export interface ConnectorDefinitionInput<Credentials, Config> {
  id: string;
  name: string;
  version: string;
  auth: ConnectorAuth<Credentials, Config>;
  credentialsSchema: z.ZodType<Credentials>;
  configSchema: z.ZodType<Config>;
  capabilities: CapabilityDeclaration;
  /** Inbound webhooks (channels that sign them); absent: the channel has none Nexo verifies. */
  webhooks?: WebhookScheme;
  /** App-wide unsigned notifications (`POST /api/webhooks/<id>`); absent: the channel sends none. */
  notifications?: NotificationScheme;
  create(context: ConnectorContext<Credentials, Config>): ConnectorClient;
}

export interface ConnectorDefinition<Credentials = unknown, Config = unknown> extends ConnectorDefinitionInput<Credentials, Config> {
  /** Validates raw credentials/config (as decrypted from the store) and builds a client. */
  connect(raw: { credentials: unknown; config: unknown } & Omit<ConnectorContext<Credentials, Config>, 'credentials' | 'config'>): ConnectorClient;
  /** The public description: what GET /api/connectors returns (no secrets, no functions). */
  info(): ConnectorInfo;
}

/** A connector of any credentials/config type, as the registry and the contract suite hold them. */
// biome-ignore lint/suspicious/noExplicitAny: each connector validates its own credentials and config at connect()
export type AnyConnectorDefinition = ConnectorDefinition<any, any>;

/** The client method each capability needs (capabilities without one are about the channel, e.g. webhooks). */
export const capabilityMethods: Partial<Record<CapabilityName, keyof ConnectorClient>> = {
  list_products: 'listProducts',
  create_product: 'createProduct',
  update_product: 'updateProduct',
  delete_product: 'deleteProduct',
  bulk_operations: 'exportProducts',
  pull_orders: 'listOrders',
  push_inventory: 'setInventory',
  update_price: 'updatePrices',
  fulfill_order: 'fulfillOrder',
  order_webhooks: 'subscribeWebhooks',
};

/** Zod issues reduced to paths and messages: never the received values (they may be secrets). */
function parseOrRefuse<T>(connector: string, what: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`);
  throw new ConnectorError(`${connector} ${what} are not valid: ${issues.join('; ')}`, { kind: 'rejected', details: { issues } });
}

export function defineConnector<Credentials, Config>(input: ConnectorDefinitionInput<Credentials, Config>): ConnectorDefinition<Credentials, Config> {
  if (!/^[a-z][a-z0-9-]*$/.test(input.id)) throw new Error(`Connector id "${input.id}" must be lowercase letters, digits and dashes`);
  const missing = capabilityNames.filter((name) => !input.capabilities[name]);
  if (missing.length > 0) throw new Error(`Connector ${input.id} does not declare: ${missing.join(', ')}`);
  const extra = Object.keys(input.capabilities).filter((name) => !(capabilityNames as readonly string[]).includes(name));
  if (extra.length > 0) throw new Error(`Connector ${input.id} declares unknown capabilities: ${extra.join(', ')}`);
  const capabilities = Object.fromEntries(capabilityNames.map((name) => [name, { ...input.capabilities[name] }])) as CapabilityMatrix;

  return {
    ...input,
    capabilities,
    connect({ credentials, config, reloadCredentials, ...rest }) {
      return input.create({
        ...rest,
        ...(reloadCredentials
          ? { reloadCredentials: async () => parseOrRefuse(input.name, 'credentials', input.credentialsSchema, await reloadCredentials()) }
          : {}),
        credentials: parseOrRefuse(input.name, 'credentials', input.credentialsSchema, credentials),
        config: parseOrRefuse(input.name, 'config', input.configSchema, config),
      });
    },
    info: () => ({
      id: input.id,
      name: input.name,
      version: input.version,
      auth: { type: input.auth.type, description: input.auth.description },
      capabilities: structuredClone(capabilities),
    }),
  };
}
