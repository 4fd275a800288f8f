import { and, eq, gt, lt } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { StoreView } from '../../contracts/stores.ts';
import { actorUserId, type Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { AppError, validation } from '../../lib/errors.ts';
import { oauthAppEnv, oauthAppOf } from './oauth-apps.ts';
import { connectorFor, insertStore, reconnectStore, type StoreSecretsDeps } from './store-admin.service.ts';
import { isChannelError } from './store-connection.service.ts';
import { storeOauthStates, stores } from './stores.tables.ts';

const STATE_TTL_MS = 10 * 60_000;

export interface OAuthDeps extends StoreSecretsDeps {
  channels: Config['channels'];
  fetch?: typeof fetch;
}

/**
 * The connector config of an install. Shopify: the shop (the emulator or proxy base URL when the operator set
 * one, `{shop}` filled in); Mercado Livre: the seller is only known after the callback, the config carries the
 * API and authorization hosts the operator pointed Nexo at (the emulator in tests and the demo).
 */
function installConfig(channels: Config['channels'], platform: string, shop: string): Record<string, unknown> {
  if (platform === 'shopify') {
    const base = channels.shopify.apiBaseUrl;
    return { shop, ...(base ? { apiBaseUrl: base.replaceAll('{shop}', shop) } : {}) };
  }
  // TikTok Shop: the seller picks the shop while authorizing; the app's settings point it at the API hosts.
  if (platform === 'tiktokshop') return { ...(channels.tiktokshop?.connectorConfig ?? {}) };
  if (platform === 'shopee') {
    const base = channels.shopee?.apiBaseUrl;
    return { ...(base ? { apiBaseUrl: base.replaceAll('{shop}', shop) } : {}) };
  }
  const { apiBaseUrl, authBaseUrl } = channels.mercadolivre;
  return { ...(apiBaseUrl ? { apiBaseUrl } : {}), ...(authBaseUrl ? { authBaseUrl } : {}) };
}

/** The OAuth app Nexo installs as on a platform; UNPROCESSABLE when the operator has not configured it. */
function appOf(deps: OAuthDeps, platform: string) {
  const connector = connectorFor(platform);
  if (connector.auth.type !== 'oauth2') throw validation(`${connector.name} has no OAuth install flow: use key entry`, { field: 'platform' });
  const app = oauthAppOf(deps.channels, connector.id);
  if (!app)
    throw new AppError('UNPROCESSABLE', `The ${connector.name} app is not configured on this server (${oauthAppEnv[connector.id] ?? 'client id and secret'})`);
  return { connector, auth: connector.auth, ...app };
}

/**
 * Starts an install: a random `state` (256 bits, stored hashed) bound to the org, the user and the shop,
 * valid for 10 minutes and consumed by the first callback that presents it. Returns the authorize URL.
 */
export async function startOAuthInstall(
  ctx: Ctx,
  deps: OAuthDeps,
  input: { platform: string; shop?: string; name?: string; redirectUri: string },
): Promise<string> {
  const { connector, auth, clientId, clientSecret } = appOf(deps, input.platform);
  const userId = actorUserId(ctx.actor);
  if (!userId || ctx.actor.type !== 'user') throw new AppError('FORBIDDEN', 'Installing a store needs a signed-in person');
  // Mercado Livre: the seller signs in on ML's page, so who it is is only known from the token answer.
  // Shopee: the shop (the emulator's key for it) only fills the operator's base URL template.
  const shop = connector.id === 'mercadolivre' ? '' : (input.shop ?? '').trim().toLowerCase();
  const config = connector.configSchema.safeParse(installConfig(deps.channels, connector.id, shop));
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
  return auth.authorizeUrl({ config: config.data, clientId, clientSecret, redirectUri: input.redirectUri, state });
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
  const { connector, auth, clientId, clientSecret } = appOf(deps, input.platform);
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
  const config = installConfig(deps.channels, connector.id, pending.shop);
  let credentials: Record<string, unknown>;
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
  } catch (error) {
    if (isChannelError(error)) {
      const code = error.kind === 'auth' ? 'VALIDATION' : 'UPSTREAM';
      throw new AppError(code, error.message);
    }
    throw error;
  }
  const { externalId, name: accountName } = await accountOfInstall(connector, auth, credentials, config, pending.shop, deps.fetch);
  return withTransaction(ctx.db, async (tx) => {
    const [existing] = await tx
      .select({ id: stores.id })
      .from(stores)
      .where(and(eq(stores.orgId, ctx.orgId), eq(stores.platform, connector.id), eq(stores.externalId, externalId)));
    if (existing) return { store: await reconnectStore(ctx, deps, existing.id, credentials, tx), created: false };
    const store = await insertStore(
      ctx,
      deps,
      {
        platform: connector.id,
        name: pending.name ?? accountName,
        externalId,
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

/**
 * The account on the channel an install connected: Shopify's shop domain, Mercado Livre's seller user id (from the
 * token answer), the account the callback names (Shopee's shop_id); otherwise (TikTok Shop: the seller picked the
 * shop while authorizing) the channel is asked who it is.
 */
async function accountOfInstall(
  connector: ReturnType<typeof connectorFor>,
  auth: ReturnType<typeof appOf>['auth'],
  credentials: Record<string, unknown>,
  config: Record<string, unknown>,
  shop: string,
  fetchImpl: typeof fetch | undefined,
): Promise<{ externalId: string; name: string }> {
  if (connector.id === 'shopify') return { externalId: shop, name: shop.replace(/\.myshopify\.com$/, '') };
  const named = auth.accountOf?.(credentials) ?? (credentials.userId === undefined ? '' : String(credentials.userId));
  if (named) return { externalId: named, name: `${connector.name} ${named}` };
  try {
    const account = await connector.connect({ credentials, config, ...(fetchImpl ? { fetch: fetchImpl } : {}) }).testConnection();
    return { externalId: account.externalId, name: account.name };
  } catch (error) {
    if (isChannelError(error)) throw new AppError('UPSTREAM', `${connector.name} did not say which account was connected: ${error.message}`);
    throw error;
  }
}
