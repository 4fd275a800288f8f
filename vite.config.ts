import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** The Nexo API the dev server forwards to (`nexo serve`, port 3000 unless NEXO_API_PORT says otherwise). */
const apiTarget = `http://127.0.0.1:${process.env.NEXO_API_PORT ?? 3000}`;

/** Server paths the dashboard calls; everything else is the SPA. `/api` includes the SSE stream `/api/events`. */
const serverPaths = ['/api', '/readyz', '/healthz', '/metrics', '/openapi.json', '/docs'];

const proxy: Record<string, ProxyOptions> = Object.fromEntries(serverPaths.map((path) => [path, { target: apiTarget, changeOrigin: false, ws: false }]));

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  publicDir: 'public',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks cache across releases; the charts library loads only with the dashboard chart.
        advancedChunks: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[^\\/]+|victory-vendor|decimal\.js-light|internmap|es-toolkit|eventemitter3|immer|reselect|redux|@reduxjs|react-redux|use-sync-external-store)[\\/]/,
            },
            { name: 'vendor', test: /node_modules[\\/](?!zod[\\/])/ },
          ],
        },
      },
    },
  },
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, strictPort: true, proxy },
});
