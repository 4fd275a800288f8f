import { Command } from 'commander';
import { version } from './version.ts';

// Commands import their code lazily so `nexo --help` and `nexo version` answer instantly.
const program = new Command()
  .name('nexo')
  .description('Nexo: run many marketplaces from one place. Configuration comes from the environment (see README).')
  .version(version, '-v, --version')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('serve')
  .description('HTTP API + dashboard (+ job workers unless ENABLE_QUEUE_PROCESSING=0)')
  .action(async () => (await import('./serve.ts')).serve());
program
  .command('worker')
  .description('job workers only (needs DATABASE_URL); run as many as you like')
  .action(async () => (await import('./worker.ts')).worker());
program
  .command('migrate')
  .description('apply database migrations and install the job engine schema, then exit')
  .action(async () => (await import('./migrate-command.ts')).migrateCommand());
program
  .command('doctor')
  .description('check configuration, database, migrations and job engine; exits non-zero on a failure')
  .action(async () => process.exit(await (await import('./doctor.ts')).doctor()));
program
  .command('version')
  .description('print the Nexo version')
  .action(() => {
    process.stdout.write(`${version}\n`);
  });

await program.parseAsync(process.argv);
