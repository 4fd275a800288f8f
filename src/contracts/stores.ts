import { z } from 'zod';

export const storeIdParamsSchema = z.object({ storeId: z.uuid({ error: 'expected a store id (UUID)' }).describe('The store') });

const lane = z.enum(['inventory', 'price', 'content']);

export const bucketViewSchema = z.object({
  bucket: z.string().describe('`default`, or the operation / API family with its own limit (Amazon SP-API operations, Shopify `graphql`)'),
  capacity: z.number().describe('Tokens when full (burst), as published or as learned from the channel'),
  refillPerSecond: z.number().describe('Tokens added per second'),
  tokens: z.number().describe('Tokens now; negative when inventory updates have booked future tokens'),
  published: z.object({ capacity: z.number(), refillPerSecond: z.number() }).describe('The channel defaults or the store override'),
  pausedUntil: z.iso.datetime().nullable().describe('The channel asked us to stop (429, Retry-After) until then'),
  learnedFrom: z.string().nullable().describe('Channel signal the current limits come from, if any'),
  waitingLanes: z.array(lane).describe('Lanes refused a token recently (lower lanes yield to them)'),
});

export const breakerViewSchema = z.object({
  operation: z.string(),
  state: z.enum(['closed', 'open', 'half_open']),
  failures: z.number().int().describe('Consecutive failures while closed'),
  probeSuccesses: z.number().int().describe('Successful probes so far while half open'),
  openedAt: z.iso.datetime().nullable(),
  nextProbeAt: z.iso.datetime().nullable().describe('While open: when one process probes the channel again'),
  openCount: z.number().int(),
  lastError: z.string().nullable(),
  lastFailureAt: z.iso.datetime().nullable(),
});

export const storeLimitsResponseSchema = z.object({
  storeId: z.uuid(),
  platform: z.string(),
  buckets: z.array(bucketViewSchema).describe('Token buckets shared by every worker process'),
  breakers: z.array(breakerViewSchema).describe('Circuit breakers of the store, one per operation that has failed at least once'),
  breakerEnabled: z.boolean().describe('ENABLE_CIRCUIT_BREAKER'),
});
