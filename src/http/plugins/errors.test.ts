import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { registerErrorHandling, statusByCode } from './errors.ts';
import { requestIdFor } from './request-id.ts';

async function appWithRoutes() {
  const app = Fastify({ bodyLimit: 1024, genReqId: requestIdFor }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.post('/strict', { schema: { body: z.strictObject({ name: z.string().min(2) }) } }, async () => ({ ok: true }));
  app.get('/app-error/:code', async (request) => {
    const { code } = request.params as { code: keyof typeof statusByCode };
    throw new AppError(code, `failed with ${code}`, { hint: 'details kept' });
  });
  app.get('/boom', async () => {
    throw new Error('secret internals: password=hunter2');
  });
  await app.ready();
  return app;
}

describe('error handling', () => {
  it('maps every AppError code to its status with the stable body', async () => {
    const app = await appWithRoutes();
    for (const [code, status] of Object.entries(statusByCode)) {
      const res = await app.inject({ method: 'GET', url: `/app-error/${code}` });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: `failed with ${code}`, code, details: { hint: 'details kept' }, requestId: expect.any(String) });
    }
  });

  it('answers 400 VALIDATION naming each bad field, including unknown ones', async () => {
    const app = await appWithRoutes();
    const res = await app.inject({ method: 'POST', url: '/strict', payload: { name: 'x', orgId: 'evil' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION');
    expect(body.error).toMatch(/^Invalid request: /);
    expect(body.details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['body.name', 'body']));
  });

  it('answers malformed JSON with 400 VALIDATION', async () => {
    const app = await appWithRoutes();
    const res = await app.inject({ method: 'POST', url: '/strict', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', error: 'Malformed JSON in request body' });
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const app = await appWithRoutes();
    const res = await app.inject({ method: 'POST', url: '/strict', payload: { name: 'x'.repeat(5000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('hides the internals of unknown errors behind a 500 with the request id', async () => {
    const app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-123' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'Internal error (request req-123)', code: 'INTERNAL', requestId: 'req-123' });
    expect(res.body).not.toContain('hunter2');
  });
});

describe('missing fields', () => {
  it("uses seed 000's wording when only required fields are absent", async () => {
    const app = Fastify({ genReqId: requestIdFor }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(app);
    app.post('/t', { schema: { body: z.strictObject({ title: z.string(), priority: z.enum(['high', 'low']), estimatedHours: z.number() }) } }, async () => ({
      ok: true,
    }));
    const res = await app.inject({ method: 'POST', url: '/t', payload: { title: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('Missing required fields: priority, estimatedHours');
    const mixed = await app.inject({ method: 'POST', url: '/t', payload: { title: 3 } });
    expect(mixed.json().error).toMatch(/^Invalid request: /);
  });
});
