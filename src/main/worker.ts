import { exitOnStartFailure, loadConfigOrExit, loggerFor, onShutdownSignal } from './process.ts';
import { startRuntime } from './runtime.ts';

/** `nexo worker`: job workers only, for scale-out next to any number of `nexo serve` processes. */
export async function worker(): Promise<void> {
  const config = loadConfigOrExit();
  const log = loggerFor(config);
  if (config.mode === 'embedded') {
    process.stderr.write('nexo: `nexo worker` needs DATABASE_URL (a PostgreSQL server); in embedded mode `nexo serve` already runs the workers.\n');
    process.exit(2);
  }
  try {
    const runtime = await startRuntime({ config: { ...config, queue: { ...config.queue, workers: true } }, log, role: 'worker' });
    onShutdownSignal((reason) => runtime.stop(reason), log);
    const types = Object.keys(runtime.queue.catalog).length;
    log.info({ jobTypes: types }, 'Nexo worker is ready');
    process.stdout.write(`Nexo worker is ready (${types} job types, ${config.mode} mode)\n`);
  } catch (error) {
    exitOnStartFailure(error, log);
  }
}
