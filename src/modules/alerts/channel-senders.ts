import type { ChannelType } from '../../contracts/alerts.ts';
import { decryptSecret, encryptSecret } from '../../lib/crypto.ts';
import { AppError, isAppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { createMailer } from '../../lib/mailer.ts';
import { postJson } from '../../lib/outbound-http.ts';
import { webhookHeaders } from '../../lib/standard-webhooks.ts';
import { type AlertMessage, emailBody, slackBody, webhookBody } from './alert-messages.ts';

/** What delivering needs from the composition root. */
export interface NotifyDeps {
  secretKey: Buffer;
  /** NEXO_ALLOW_PRIVATE_WEBHOOKS: let Slack/webhook URLs reach loopback and private addresses (tests, intranets). */
  allowPrivateTargets: boolean;
  mail: { from: string; smtpUrl?: string | undefined };
  log: Logger;
  timeoutMs?: number;
}

/** The credentials of a channel, only ever held decrypted in memory while sending. */
export interface ChannelSecret {
  url?: string;
  smtpUrl?: string;
  signingSecret?: string;
}

export interface SendableChannel {
  id: string;
  orgId: string;
  type: ChannelType;
  config: Record<string, unknown>;
  secret: ChannelSecret;
}

export const sealChannelSecret = (deps: Pick<NotifyDeps, 'secretKey'>, orgId: string, channelId: string, secret: ChannelSecret) =>
  encryptSecret(deps.secretKey, JSON.stringify(secret), `${orgId}:${channelId}`);

export const openChannelSecret = (deps: Pick<NotifyDeps, 'secretKey'>, orgId: string, channelId: string, sealed: string | null): ChannelSecret =>
  sealed ? (JSON.parse(decryptSecret(deps.secretKey, sealed, `${orgId}:${channelId}`)) as ChannelSecret) : {};

export interface SendResult {
  ok: boolean;
  responseCode: number | null;
  error: string | null;
  /** Retrying will not help (4xx other than 408/429, a refused address, an SMTP 5xx). */
  permanent: boolean;
}

const failure = (error: string, responseCode: number | null, permanent: boolean): SendResult => ({ ok: false, responseCode, error, permanent });

function describeNetworkError(error: unknown): { message: string; permanent: boolean } {
  if (isAppError(error)) {
    const details = (error.details ?? {}) as { reason?: string; permanent?: boolean };
    return { message: error.message, permanent: error.code === 'VALIDATION' || details.reason === 'private_address' || details.permanent === true };
  }
  const e = error as { code?: string; message?: string };
  return { message: `Could not reach the receiver${e.code ? ` (${e.code})` : ''}`, permanent: false };
}

async function sendHttp(deps: NotifyDeps, url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
  try {
    const response = await postJson(url, body, headers, { allowPrivate: deps.allowPrivateTargets, timeoutMs: deps.timeoutMs ?? 10_000 });
    if (response.status >= 200 && response.status < 300) return { ok: true, responseCode: response.status, error: null, permanent: false };
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    return failure(`The receiver answered HTTP ${response.status}`, response.status, permanent);
  } catch (error) {
    const { message, permanent } = describeNetworkError(error);
    return failure(message, null, permanent);
  }
}

/** Sends one message to one channel. Never throws for delivery problems: the result says what happened. */
export async function sendToChannel(deps: NotifyDeps, channel: SendableChannel, message: AlertMessage, deliveryId: string, now: Date): Promise<SendResult> {
  if (channel.type === 'slack') {
    if (!channel.secret.url) return failure('The channel has no Slack URL', null, true);
    return sendHttp(deps, channel.secret.url, JSON.stringify(slackBody(message)), {});
  }
  if (channel.type === 'webhook') {
    const url = String(channel.config.url ?? '');
    if (!channel.secret.signingSecret) return failure('The channel has no signing secret', null, true);
    const body = JSON.stringify(webhookBody(message, now));
    return sendHttp(deps, url, body, webhookHeaders(channel.secret.signingSecret, deliveryId, Math.floor(now.getTime() / 1000), body));
  }
  const smtpUrl = channel.secret.smtpUrl ?? deps.mail.smtpUrl;
  if (!smtpUrl) return failure('No SMTP server: give the channel an SMTP URL or set SMTP_URL', null, true);
  const mailer = createMailer({ smtpUrl, from: deps.mail.from, log: deps.log });
  const { subject, text } = emailBody(message);
  try {
    for (const to of (channel.config.to as string[] | undefined) ?? []) await mailer.send({ to, subject, text });
    return { ok: true, responseCode: 250, error: null, permanent: false };
  } catch (error) {
    const details = (isAppError(error) ? error.details : {}) as { responseCode?: number; permanent?: boolean };
    const message = error instanceof AppError ? error.message : 'E-mail could not be sent';
    return failure(message, details.responseCode ?? null, details.permanent === true);
  }
}
