import nodemailer from 'nodemailer';
import { AppError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** False when no SMTP_URL is set: `send` and `verify` throw UNAVAILABLE. */
  configured: boolean;
  send(message: MailMessage): Promise<{ messageId: string }>;
  verify(): Promise<void>;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`. */
  smtpUrl?: string | undefined;
  from: string;
  log: Logger;
}

const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000, dnsTimeout: 10_000 };

const unavailable = () => new AppError('UNAVAILABLE', 'E-mail is not configured (set SMTP_URL)');

interface SmtpError {
  code?: string;
  responseCode?: number;
}

/** Keep the SMTP status for callers (5xx: permanent, do not retry); never the server's text, which may echo the message. */
function deliveryError(error: unknown): AppError {
  const { code, responseCode } = (error ?? {}) as SmtpError;
  const status = typeof responseCode === 'number' ? ` (SMTP ${responseCode})` : code ? ` (${code})` : '';
  return new AppError('UPSTREAM', `E-mail could not be sent${status}`, {
    code,
    responseCode,
    permanent: typeof responseCode === 'number' && responseCode >= 500,
  });
}

export function createMailer({ smtpUrl, from, log }: MailerOptions): Mailer {
  if (!smtpUrl) {
    return {
      configured: false,
      send: async () => Promise.reject(unavailable()),
      verify: async () => Promise.reject(unavailable()),
    };
  }
  // The url's own query parameters win over these defaults (nodemailer merges them that way).
  const transport = nodemailer.createTransport({ url: smtpUrl, ...timeouts, logger: false, debug: false });

  return {
    configured: true,
    async send({ to, subject, text, html }) {
      // Header injection guard: one recipient, one-line subject.
      if (/[\r\n]/.test(to) || /[\r\n]/.test(subject)) throw new AppError('VALIDATION', 'Recipient and subject must be single lines');
      try {
        const info = await transport.sendMail({ from, to, subject, text, ...(html === undefined ? {} : { html }) });
        log.info({ to, subject, messageId: info.messageId }, 'e-mail sent');
        return { messageId: info.messageId };
      } catch (error) {
        const failure = deliveryError(error);
        log.warn({ to, subject, details: failure.details }, 'e-mail not sent');
        throw failure;
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw deliveryError(error);
      }
    },
  };
}
