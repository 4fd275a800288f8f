// Runs during `npm ci` / `npm install`: builds the dashboard when Vite is installed (a production
// install with --omit=dev skips it; `nexo serve` then serves a prebuilt dist/ or the API only).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/vite') || process.env.NEXO_SKIP_PREPARE === '1') process.exit(0);
const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
