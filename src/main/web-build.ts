import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../lib/logger.ts';
import { packageRoot } from './version.ts';

const root = fileURLToPath(packageRoot);
export const webSourceDir = join(root, 'web');
export const webDistDir = join(root, 'dist', 'web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sourceInputs = () => [webSourceDir, join(root, 'src', 'contracts')].filter(existsSync);

/** True when the dashboard was never built or a source file changed since the last build. */
export function webBuildIsStale(): boolean {
  const index = join(webDistDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return sourceInputs().some((dir) => newestMtime(dir) > built) || statSync(join(root, 'vite.config.ts')).mtimeMs > built;
}

/** Builds the dashboard with Vite when missing or stale (no-op when Vite is absent, e.g. --omit=dev with a prebuilt dist). */
export async function ensureWebBuild(log: Logger): Promise<void> {
  if (!existsSync(webSourceDir) || !webBuildIsStale()) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log.warn('dashboard build is missing or stale and Vite is not installed; serving the API only');
    return;
  }
  log.info('building the dashboard (first start or sources changed)…');
  const started = performance.now();
  await vite.build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  log.info({ ms: Math.round(performance.now() - started) }, 'dashboard built');
}
