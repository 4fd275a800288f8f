import { describe, expect, it } from 'vitest';
import { qualityScore, rankedImpact } from './index.ts';

describe('agent metrics and ranking (docs/agents.md)', () => {
  it('quality = 0.5 approval + 0.3 completion + 0.2 time accuracy, over the parts that exist', () => {
    expect(qualityScore({ approvalRate: null, completionRate: null, timeAccuracy: null })).toBeNull();
    expect(qualityScore({ approvalRate: 80, completionRate: 50, timeAccuracy: 90 })).toBe(73);
    // No completed task yet: approval alone (weights renormalised).
    expect(qualityScore({ approvalRate: 60, completionRate: null, timeAccuracy: null })).toBe(60);
    expect(qualityScore({ approvalRate: 100, completionRate: 0, timeAccuracy: null })).toBe(62.5);
  });

  it('halves a rule’s impact for each rejection beyond two in 90 days', () => {
    expect([0, 1, 2, 3, 4].map((r) => rankedImpact(64, r))).toEqual([64, 64, 64, 32, 16]);
  });
});
