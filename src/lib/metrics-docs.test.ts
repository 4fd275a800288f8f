import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

const root = join(import.meta.dirname, '..', '..');
/** Metric names a PromQL text refers to (histogram series suffixes folded onto their metric). */
const namesIn = (text: string) => new Set([...text.matchAll(/\bnexo_[a-z_]+/g)].map(([m]) => m.replace(/_(bucket|count|sum)$/, '')));

describe('the Grafana dashboard and the PromQL rules use real metric names', () => {
  it('every nexo_* name in docs/grafana/nexo.json and in the operations.md rules is registered by createMetrics', async () => {
    const registered = new Set((await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const dashboard = JSON.parse(readFileSync(join(root, 'docs/grafana/nexo.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    const operations = readFileSync(join(root, 'docs/operations.md'), 'utf8');
    const rules = operations.slice(operations.indexOf('### Alert rules (PromQL)'), operations.indexOf('### Grafana'));
    const used = new Set([...namesIn(exprs), ...namesIn(rules)]);
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !registered.has(name))).toEqual([]);
  });
});
