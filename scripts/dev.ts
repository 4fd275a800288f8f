// `npm run dev`: the API with file watching (port NEXO_API_PORT, default 3000) plus the Vite dev
// server with hot reload on http://localhost:5173, which proxies /api and friends to the API.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const apiPort = process.env.NEXO_API_PORT ?? '3000';
const children = [
  spawn(process.execPath, ['--watch-path=src', join(root, 'bin', 'nexo.js'), 'serve'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: apiPort, NEXO_LOG_PRETTY: process.env.NEXO_LOG_PRETTY ?? '1' },
  }),
  spawn('npx', ['vite', '--host', '127.0.0.1'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXO_API_PORT: apiPort } }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => code && code !== 0 && stop());
