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
  .command('emulator')
  .description('the marketplace emulator: offline stand-ins for the channel APIs (Shopify, Mercado Livre, Shopee), with fault injection under /_emulator/')
  .option('--port <port>', 'TCP port (0 picks a free one)', '4010')
  .option('--host <host>', 'interface to bind; the control plane has no auth, keep it on loopback', '127.0.0.1')
  .option('--seed <seed>', 'seed of the catalog and order generator', 'nexo')
  .option(
    '--shops <list>',
    'comma-separated shops to create: Shopify domains (demo.myshopify.com), Mercado Livre sellers (mercadolivre:demo-seller), Amazon sellers (amazon:demo-amazon), Shopee shops (shopee:demo-shopee) and TikTok Shop shops (tiktokshop:demo-tiktok)',
    'demo.myshopify.com,mercadolivre:demo-seller,amazon:demo-amazon,shopee:demo-shopee,tiktokshop:demo-tiktok',
  )
  .option('--kaway-shops <list>', 'comma-separated Kaway feed-host shops to create (e.g. demo-kaway)', '')
  .option('--products <n>', 'products per shop', '200')
  .option('--orders <n>', 'past orders per shop', '50')
  .option('--order-interval-ms <ms>', 'new orders arrive on this interval (0: never)', '30000')
  .action(async (options) => (await import('./emulator-command.ts')).emulatorCommand(options));
const orgsCommand = program.command('orgs').description('manage orgs');
orgsCommand
  .command('create')
  .description('create an org')
  .requiredOption('--slug <slug>', 'short unique name: lowercase letters, digits, dashes')
  .requiredOption('--name <name>', 'display name')
  .action(async (options) => (await import('./admin-commands.ts')).createOrgCommand(options));

const usersCommand = program.command('users').description('manage people');
usersCommand
  .command('create')
  .description('create a user in an org (password read from stdin, or a one-time one is printed); adds an existing user to the org')
  .requiredOption('--org <slug>', 'the org')
  .requiredOption('--email <email>', 'their e-mail, used to sign in')
  .requiredOption('--role <role>', 'owner, admin, operator or viewer')
  .option('--name <name>', 'display name')
  .action(async (options) => (await import('./admin-commands.ts')).createUserCommand(options));

const tokensCommand = program.command('tokens').description('manage API tokens');
tokensCommand
  .command('create')
  .description('create an API token and print it once (nexo_<kind>_<id>_<secret>)')
  .requiredOption('--org <slug>', 'the org the token acts in')
  .requiredOption('--kind <kind>', 'agent, integration or personal')
  .option('--agent <agent-id>', 'for agent tokens: marketplace-amazon, marketplace-master, …')
  .option('--name <name>', 'a name to recognise it by')
  .option('--scopes <list>', 'comma-separated permissions, for integration tokens')
  .option('--expires-days <days>', 'expire after this many days')
  .action(async (options) => (await import('./admin-commands.ts')).createTokenCommand(options));
tokensCommand
  .command('revoke')
  .description('revoke an API token by its id (the part after nexo_<kind>_)')
  .argument('<id>', 'token id')
  .action(async (id) => (await import('./admin-commands.ts')).revokeTokenCommand(id));

program
  .command('version')
  .description('print the Nexo version')
  .action(() => {
    process.stdout.write(`${version}\n`);
  });

await program.parseAsync(process.argv);
