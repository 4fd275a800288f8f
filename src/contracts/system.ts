import { z } from 'zod';

/** One dependency check reported by GET /readyz. */
export const readinessCheckSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number().nonnegative(),
  error: z.string().optional(),
});

/** GET /readyz: 200 when every check passes, 503 naming the failing part otherwise. */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ database: readinessCheckSchema, queue: readinessCheckSchema }),
});
export type Readiness = z.infer<typeof readinessSchema>;

/** GET /healthz: the process is alive. */
export const livenessSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });

/** GET /api/system/info: what this Nexo process is. */
export const systemInfoSchema = z.object({
  name: z.literal('nexo'),
  version: z.string(),
  mode: z.enum(['embedded', 'server']),
  database: z.enum(['pglite', 'postgres']),
  node: z.string(),
  uptimeSeconds: z.number(),
  workers: z.boolean(),
  /** LLM mode (NEXO_LLM_*): whether a model is configured, which one, its base URL host and its circuit breaker; never the key. */
  llm: z.object({
    configured: z.boolean(),
    model: z.string().nullable(),
    baseUrlHost: z.string().nullable(),
    breaker: z.enum(['closed', 'open', 'half_open']).nullable(),
  }),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;

/** Every message on the SSE stream GET /api/events (the SSE `data:` line). */
export const eventMessageSchema = z.object({
  id: z.string(),
  type: z.string(),
  orgId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

/** POST /api/events/test: publishes a `system.test` event to prove the wire end to end. */
export const testEventRequestSchema = z.strictObject({
  message: z.string().trim().min(1).max(200).default('ping'),
});
export const testEventResponseSchema = z.object({ id: z.string(), type: z.literal('system.test') });

/** The error body every route answers with (seed `error`/`details` kept, plus a stable `code`). */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'UPSTREAM',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];
export const errorBodySchema = z.object({
  error: z.string(),
  code: z.enum(errorCodes),
  details: z.unknown().optional(),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
