import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../lib/metrics.ts';
import { httpSignalProviders, quantileFromBuckets } from './http-signals.ts';

describe('API signals from the prom-client histogram', () => {
  it('interpolates a quantile inside its bucket', () => {
    const buckets = new Map([
      [0.1, 50],
      [1, 90],
      [2, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(quantileFromBuckets(buckets, 0.5)).toBe(0.1);
    expect(quantileFromBuckets(buckets, 0.95)).toBeCloseTo(1.5);
    expect(quantileFromBuckets(new Map(), 0.95)).toBeNull();
  });

  it('answers "no data" for a quiet window (fewer requests than the minimum)', async () => {
    const metrics = createMetrics();
    const providers = httpSignalProviders(metrics, 20);
    for (let i = 0; i < 19; i++) metrics.httpDuration.observe({ method: 'GET', route: '/api/x', status: '500' }, 5);
    const input = { db: null as never, orgId: 'o', now: new Date(), threshold: 2 };
    expect(await providers.api_p95?.(input)).toMatchObject({ status: 'no_data' });
    expect(await providers.api_error_rate?.(input)).toMatchObject({ status: 'no_data' });
  });

  it('judges the window since the previous evaluation: p95 and error rate, ignoring the SSE stream', async () => {
    const metrics = createMetrics();
    const providers = httpSignalProviders(metrics, 1);
    const at = (s: number) => new Date(1_700_000_000_000 + s * 1000);
    const observe = (status: number, seconds: number, route = '/api/x', n = 1) => {
      for (let i = 0; i < n; i++) metrics.httpDuration.observe({ method: 'GET', route, status: String(status) }, seconds);
    };
    const input = (s: number, threshold: number) => ({ db: null as never, orgId: 'o', now: at(s), threshold });
    expect((await providers.api_p95?.(input(0, 2)))?.status).toBe('no_data');

    observe(200, 0.02, '/api/x', 97);
    observe(500, 3, '/api/x', 3);
    observe(200, 600, '/api/events', 50);
    const p95 = await providers.api_p95?.(input(60, 2));
    const errors = await providers.api_error_rate?.(input(60, 2));
    expect(p95).toMatchObject({ status: 'ok', readings: [{ breached: false }] });
    expect(errors).toMatchObject({ status: 'ok', value: 3, readings: [{ subject: 'org', breached: true }] });

    observe(200, 4, '/api/x', 10);
    const slow = await providers.api_p95?.(input(120, 2));
    expect(slow).toMatchObject({ status: 'ok', readings: [{ breached: true }] });
    expect(await providers.api_error_rate?.(input(120, 2))).toMatchObject({ status: 'ok', value: 0 });
  });
});
