/** Why a connector call failed, in words a job or a person can act on. */
export type ConnectorErrorKind =
  /** Credentials rejected, expired or revoked: reconnect the store. Never retryable. */
  | 'auth'
  /** The channel asked us to slow down (429, THROTTLED): retry after `retryAfter`. */
  | 'rate_limited'
  /** The channel failed (5xx) or did not answer in time: retryable. */
  | 'upstream'
  /** Could not reach the channel at all (DNS, refused, reset): retryable. */
  | 'network'
  /** The channel refused the input (4xx, userErrors): fix the data, do not retry. */
  | 'rejected'
  | 'not_found'
  /** The channel answered success but the read-back shows the write was not applied. */
  | 'write_not_applied'
  /** The channel answered something the connector does not understand. */
  | 'protocol'
  /**
   * A pagination cursor the channel no longer accepts (Mercado Livre's `scroll_id` lives 5 minutes). Retrying the
   * same cursor cannot work: the reader restarts that listing from the beginning.
   */
  | 'cursor_expired';

export interface ConnectorErrorOptions {
  kind: ConnectorErrorKind;
  retryable?: boolean;
  upstreamStatus?: number | null;
  /** Milliseconds to wait before a retry, when the channel said so (Retry-After, throttleStatus). */
  retryAfter?: number | null;
  details?: unknown;
  cause?: unknown;
}

const retryableByDefault: Record<ConnectorErrorKind, boolean> = {
  auth: false,
  rate_limited: true,
  upstream: true,
  network: true,
  rejected: false,
  not_found: false,
  write_not_applied: true,
  protocol: false,
  cursor_expired: false,
};

/** The one failure type connectors throw. Messages never contain credentials. */
export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;
  readonly retryable: boolean;
  readonly upstreamStatus: number | null;
  /** Milliseconds (not seconds) before a retry makes sense, or null when unknown. */
  readonly retryAfter: number | null;
  readonly details: unknown;

  constructor(message: string, options: ConnectorErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = options.kind;
    this.retryable = options.retryable ?? retryableByDefault[options.kind];
    this.upstreamStatus = options.upstreamStatus ?? null;
    this.retryAfter = options.retryAfter ?? null;
    this.details = options.details;
  }
}

export const isConnectorError = (error: unknown): error is ConnectorError => error instanceof ConnectorError;
