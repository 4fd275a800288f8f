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
    if (runtime.bootstrap.created) {
      const b = runtime.bootstrap;
      process.stdout.write(
        b.oneTimePassword
          ? `First start: created org "${b.orgSlug}" and its owner.\n  Sign in at ${runtime.url}/login as ${b.email}\n  One-time password: ${b.oneTimePassword}   (you must change it at first sign-in; it is not shown again)\n\n`
          : `First start: created org "${b.orgSlug}" and its owner ${b.email} (password from NEXO_OWNER_PASSWORD).\n\n`,
      );
    }
    if (runtime.demo) {
      const d = runtime.demo;
      process.stdout.write(
        `Demo (NEXO_DEMO): marketplace emulator on ${d.emulatorUrl}; ${d.connected.length} emulated store(s) connected, ${d.refreshed.length} re-pointed at it. Set NEXO_DEMO=0 to turn this off.\n\n`,
      );
    }
  } catch (error) {
    exitOnStartFailure(error, log);
  }
}
