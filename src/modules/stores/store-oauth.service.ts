import { and, eq, gt, lt } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { StoreView } from '../../contracts/stores.ts';
import { actorUserId, type Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { AppError, validation } from '../../lib/errors.ts';
import { connectorFor, insertStore, reconnectStore, type StoreSecretsDeps } from './store-admin.service.ts';
import { isChannelError } from './store-connection.service.ts';
import { storeOauthStates, stores } from './stores.tables.ts';

const STATE_TTL_MS = 10 * 60_000;

export interface OAuthDeps extends StoreSecretsDeps {
  channels: Config['channels'];
  fetch?: typeof fetch;
}

/** The OAuth app Nexo installs as on a platform; UNPROCESSABLE when the operator has not configured it. */
function appOf(deps: OAuthDeps, platform: string) {
  const connector = connectorFor(platform);
  if (connector.auth.type !== 'oauth2') throw validation(`${connector.name} has no OAuth install flow: use key entry`, { field: 'platform' });
  const app = platform === 'shopify' ? deps.channels.shopify : platform === 'tiktokshop' ? deps.channels.tiktokshop : undefined;
  if (!app?.clientId || !app.clientSecret) {
    const env = platform === 'tiktokshop' ? 'TIKTOKSHOP_APP_KEY, TIKTOKSHOP_APP_SECRET' : 'SHOPIFY_CLIENT_ID, SHOPIFY_CLIENT_SECRET';
    throw new AppError('UNPROCESSABLE', `The ${connector.name} app is not configured on this server (${env})`);
  }
  const extra = 'connectorConfig' in app ? app.connectorConfig : {};
  const apiBaseUrl = 'apiBaseUrl' in app ? app.apiBaseUrl : undefined;
  return { connector, auth: connector.auth, clientId: app.clientId, clientSecret: app.clientSecret, apiBaseUrl, extra };
}

/**
 * The connector config for a shop: the emulator (or proxy) base URL when the operator set one. Channels whose seller
 * picks the shop while authorizing (TikTok Shop) start with no shop and take the app's settings.
 */
const shopConfig = (shop: string, apiBaseUrl: string | undefined, extra: Record<string, string> = {}) => ({
  ...(shop ? { shop } : {}),
  ...extra,
  ...(apiBaseUrl ? { apiBaseUrl: apiBaseUrl.replaceAll('{shop}', shop) } : {}),
});

/**
 * Starts an install: a random `state` (256 bits, stored hashed) bound to the org, the user and the shop,
 * valid for 10 minutes and consumed by the first callback that presents it. Returns the authorize URL.
 */
export async function startOAuthInstall(
  ctx: Ctx,
  deps: OAuthDeps,
  input: { platform: string; shop: string; name?: string; redirectUri: string },
): Promise<string> {
  const { connector, auth, clientId, apiBaseUrl, extra } = appOf(deps, input.platform);
  const userId = actorUserId(ctx.actor);
  if (!userId || ctx.actor.type !== 'user') throw new AppError('FORBIDDEN', 'Installing a store needs a signed-in person');
  const shop = input.shop.trim().toLowerCase();
  const config = connector.configSchema.safeParse(shopConfig(shop, apiBaseUrl, extra));
  if (!config.success) throw validation('shop must be a shop domain such as my-store.myshopify.com', { field: 'shop' });
  const state = randomToken(32);
  await ctx.db.delete(storeOauthStates).where(lt(storeOauthStates.expiresAt, ctx.now));
  await ctx.db.insert(storeOauthStates).values({
    stateHash: sha256Hex(state),
    orgId: ctx.orgId,
    userId,
    platform: connector.id,
    shop,
    name: input.name ?? null,
    expiresAt: new Date(ctx.now.getTime() + STATE_TTL_MS),
    createdAt: ctx.now,
  });
  return auth.authorizeUrl({ config: config.data, clientId, redirectUri: input.redirectUri, state });
}

/**
 * The callback: consumes the state (only the org and user that started the install, before it expires),
 * lets the connector verify the callback (hmac, state, shop, timestamp) and exchange the code, then
 * creates the store or re-connects the org's existing one for that shop.
 */
export async function completeOAuthInstall(
  ctx: Ctx,
  deps: OAuthDeps,
  input: { platform: string; query: Record<string, string>; redirectUri: string },
): Promise<{ store: StoreView; created: boolean }> {
  const { connector, auth, clientId, clientSecret, apiBaseUrl, extra } = appOf(deps, input.platform);
  const state = input.query.state;
  const userId = actorUserId(ctx.actor);
  if (typeof state !== 'string' || state.length < 16 || state.length > 200 || !userId)
    throw validation('The install link is not valid: start again', { field: 'state' });
  const [pending] = await ctx.db
    .delete(storeOauthStates)
    .where(
      and(
        eq(storeOauthStates.stateHash, sha256Hex(state)),
        eq(storeOauthStates.orgId, ctx.orgId),
        eq(storeOauthStates.userId, userId),
        eq(storeOauthStates.platform, connector.id),
        gt(storeOauthStates.expiresAt, ctx.now),
      ),
    )
    .returning();
  if (!pending) throw validation('The install link expired, was already used or belongs to someone else: start again', { field: 'state' });
  const config = shopConfig(pending.shop, apiBaseUrl, extra);
  let credentials: Record<string, unknown>;
  let account = { externalId: pending.shop, name: pending.shop.replace(/\.myshopify\.com$/, '') };
  try {
    credentials = (await auth.completeAuthorization({
      config,
      query: input.query,
      clientId,
      clientSecret,
      expectedState: state,
      redirectUri: input.redirectUri,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    })) as Record<string, unknown>;
    // No shop named up front (the seller chose it while authorizing): the channel says which account this is.
    if (!pending.shop) account = await connector.connect({ credentials, config, ...(deps.fetch ? { fetch: deps.fetch } : {}) }).testConnection();
  } catch (error) {
    if (isChannelError(error)) {
      const code = error.kind === 'auth' ? 'VALIDATION' : 'UPSTREAM';
      throw new AppError(code, error.message);
    }
    throw error;
  }
  return withTransaction(ctx.db, async (tx) => {
    const [existing] = await tx
      .select({ id: stores.id })
      .from(stores)
      .where(and(eq(stores.orgId, ctx.orgId), eq(stores.platform, connector.id), eq(stores.externalId, account.externalId)));
    if (existing) return { store: await reconnectStore(ctx, deps, existing.id, credentials, tx), created: false };
    const store = await insertStore(
      ctx,
      deps,
      {
        platform: connector.id,
        name: pending.name ?? account.name,
        externalId: account.externalId,
        connectorConfig: config,
        credentials,
        webhookSecrets: [],
        syncIntervalMinutes: 60,
        priority: 'normal',
        via: 'oauth',
      },
      tx,
    );
    return { store, created: true };
  });
}
