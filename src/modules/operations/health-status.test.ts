import { describe, expect, it } from 'vitest';
import { overallStatus } from './health.service.ts';

const db = { ok: true, latency_ms: 1, connections: null };
const healthyQueue = { health: 'healthy' as const };

describe('overall health status', () => {
  it('is healthy with a reachable database, a healthy queue and nothing stuck', () => {
    expect(overallStatus({ database: db, queue: healthyQueue, patterns: [] })).toBe('healthy');
  });
  it('is unhealthy when the database does not answer, whatever else says', () => {
    expect(overallStatus({ database: { ...db, ok: false }, queue: healthyQueue, patterns: [] })).toBe('unhealthy');
  });
  it('is degraded with a warning pattern, unhealthy with a critical one', () => {
    expect(overallStatus({ database: db, queue: healthyQueue, patterns: [{ severity: 'warning' }] })).toBe('degraded');
    expect(overallStatus({ database: db, queue: healthyQueue, patterns: [{ severity: 'warning' }, { severity: 'critical' }] })).toBe('unhealthy');
  });
  it('follows the queue and degrades on a breaker that is not closed', () => {
    expect(overallStatus({ database: db, queue: { health: 'unhealthy' }, patterns: [] })).toBe('unhealthy');
    const breaker = { store_id: 's', operation: 'sync', since: null };
    expect(overallStatus({ database: db, queue: healthyQueue, patterns: [], breakers: [{ ...breaker, state: 'closed' }] })).toBe('healthy');
    expect(overallStatus({ database: db, queue: healthyQueue, patterns: [], breakers: [{ ...breaker, state: 'half_open' }] })).toBe('degraded');
  });
});
