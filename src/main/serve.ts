import { exitOnStartFailure, loadConfigOrExit, loggerFor, onShutdownSignal } from './process.ts';
import { startRuntime } from './runtime.ts';

/** `nexo serve` (and `npm start`): API + dashboard + workers in one process. */
export async function serve(): Promise<void> {
  const started = performance.now();
  const config = loadConfigOrExit();
  const log = loggerFor(config);
  try {
    const runtime = await startRuntime({ config, log, role: 'serve' });
    onShutdownSignal((reason) => runtime.stop(reason), log);
    const ms = Math.round(performance.now() - started);
    log.info({ url: runtime.url, mode: config.mode, database: runtime.database.kind, workers: config.queue.workers, ms }, 'Nexo is ready');
    process.stdout.write(`\nNexo is ready on ${runtime.url}  (${config.mode} mode, ${runtime.database.kind}, ${ms} ms)\n\n`);
  } catch (error) {
    exitOnStartFailure(error, log);
  }
}
