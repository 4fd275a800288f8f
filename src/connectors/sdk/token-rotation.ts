import { ConnectorError } from './connector-error.ts';

/** Refresh this long before the access token expires, so a call never starts with a token about to die. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The access/refresh-token lifecycle shared by the channels whose refresh tokens rotate (Mercado Livre, Shopee,
 * TikTok Shop): one refresh in flight at a time (a second one would spend the rotated token), a refresh token
 * another worker already rotated is adopted from the store instead of failing, and the new credentials are handed
 * to `onCredentialsRefreshed` (persisted) before anything uses them.
 */
export function createTokenRotation<C extends { refreshToken: string }>(options: {
  /** For messages: "Shopee refused the access token for this shop …". */
  channel: string;
  subject: 'shop' | 'seller';
  initial: C;
  expiresAt: (credentials: C) => string | undefined;
  now: () => number;
  /** Exchanges the refresh token for new credentials; throws when the channel refuses. */
  exchange: (previous: C) => Promise<C>;
  /** The channel refused the refresh token itself (revoked, expired, or rotated by someone else). */
  isRefused: (error: unknown) => boolean;
  /** The HTTP status a refusal reports to the store (what the channel answered, or 401). */
  refusedStatus?: (error: unknown) => number | null;
  reloadCredentials?: () => Promise<C | null>;
  onCredentialsRefreshed?: (next: C, previous: C) => Promise<void>;
}) {
  let credentials = options.initial;
  let refreshing: Promise<void> | null = null;

  const reconnect = (status: number | null, cause?: unknown) =>
    new ConnectorError(
      `${options.channel} refused the access token for this ${options.subject} (expired or revoked, refresh impossible): reconnect the store`,
      {
        kind: 'auth',
        retryable: false,
        upstreamStatus: status,
        cause,
      },
    );

  async function doRefresh(): Promise<void> {
    const previous = credentials;
    let next: C;
    try {
      next = await options.exchange(previous);
    } catch (error) {
      if (!options.isRefused(error)) throw error;
      const stored = options.reloadCredentials ? await options.reloadCredentials() : null;
      if (stored && stored.refreshToken !== previous.refreshToken) {
        credentials = stored;
        return;
      }
      throw reconnect(options.refusedStatus?.(error) ?? 401, error);
    }
    // In use from now on even if storing fails: the old refresh token is spent either way.
    credentials = next;
    try {
      await options.onCredentialsRefreshed?.(next, previous);
    } catch (error) {
      throw new ConnectorError(`${options.channel} rotated the tokens but the new credentials could not be stored: reconnect the store`, {
        kind: 'auth',
        retryable: false,
        cause: error,
      });
    }
  }

  return {
    current: () => credentials,
    /** Resolves when no refresh is in flight (rejects if the one in flight fails). */
    settled: (): Promise<void> => refreshing ?? Promise.resolve(),
    /** Single flight: concurrent callers share one refresh. */
    refresh(): Promise<void> {
      refreshing ??= doRefresh().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    expiresSoon(): boolean {
      const at = options.expiresAt(credentials);
      return at !== undefined && Date.parse(at) - REFRESH_MARGIN_MS <= options.now();
    },
    reconnect,
  };
}
