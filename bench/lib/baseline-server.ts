// The baseline: a bare Fastify 5 hello-world with Nexo's liveness path. No logger, plugins or schemas.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));

const address = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`baseline ready on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
