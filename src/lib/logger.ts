import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
export const redactedLogPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'credentials',
  '*.credentials',
  'config.security.secretKey',
  'apiKey',
  '*.apiKey',
  'config.llm.apiKey',
];

export interface LogOptions {
  level: string;
  pretty: boolean;
}

export function createLogger(options: LogOptions, destination?: pino.DestinationStream): Logger {
  const base: LoggerOptions = {
    level: options.level,
    base: { service: 'nexo' },
    redact: { paths: redactedLogPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty && !destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return destination ? pino(base, destination) : pino(base);
}
