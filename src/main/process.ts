import { type Config, ConfigError, loadConfig } from '../config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { createLogger, type Logger } from '../lib/logger.ts';

/** Exit codes: 1 runtime failure, 2 invalid configuration or usage. */
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`nexo: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

export const loggerFor = (config: Config): Logger => createLogger(config.log);

/** Prints a failure to start in one clear line (no stack for the expected ones) and exits. */
export function exitOnStartFailure(error: unknown, log: Logger): never {
  const expected = error instanceof DataDirLockedError || error instanceof ConfigError;
  const message = error instanceof Error ? error.message : String(error);
  if (expected) process.stderr.write(`nexo: ${message}\n`);
  else log.fatal({ err: error }, `failed to start: ${message}`);
  process.exit(error instanceof ConfigError ? EXIT_CONFIG : EXIT_FAILURE);
}

/** SIGTERM/SIGINT stop gracefully; a second signal forces the exit. */
export function onShutdownSignal(stop: (reason: string) => Promise<void>, log: Logger): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(EXIT_FAILURE);
    }
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'error during shutdown');
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
