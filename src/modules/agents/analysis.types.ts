import type { Marketplace } from '../../contracts/tasks.ts';

/**
 * The seam between an agent run (registry, dedupe, caps, task creation: agents.service) and the analysis
 * that finds opportunities (rule packs over Nexo's synced data: rules/). A run asks `analyzeChannel` for
 * proposals and turns the best of them into tasks through the task service, under the agent's own identity.
 */

/** What a proposal is about; every id is one of the org's own rows. */
export interface ProposalSubject {
  storeId: string;
  productId?: string;
  variantId?: string;
  listingId?: string;
  sku?: string;
}

/** One opportunity found by a rule (or a model), ready to become a task. */
export interface Proposal {
  /** `<marketplace>.<rule>`, e.g. `amazon.title-length`; what a rejection down-ranks. */
  ruleId: string;
  /** Stable across runs for the same rule and subject (becomes the task's dedupe key). */
  dedupeKey: string;
  subject: ProposalSubject;
  /** Clear and actionable, at most 200 characters. */
  title: string;
  /** Context and expected outcome. */
  description: string;
  category: 'optimization' | 'best-practice' | 'scaling' | 'analysis';
  priority: 'high' | 'medium' | 'low';
  estimatedHours: number;
  /** Business impact score, 0-100; proposals are ranked by it. */
  impact: number;
  /** Ids, current values, targets and thresholds that justify the proposal (goes into the task's metadata). */
  evidence: Record<string, unknown>;
}

/** A rule as shown on the Agents page and in docs. */
export interface RuleInfo {
  id: string;
  marketplace: Marketplace;
  title: string;
  description: string;
  /** Where the rule comes from: the channel's published guideline (name and URL). */
  source: string;
  /** Default thresholds; the org's knowledge base may override each one. */
  thresholds: Record<string, number>;
}

/** Seed 000's knowledge base for one agent, editable per org. */
export interface Knowledge {
  /** Overrides of rule thresholds, by `<ruleId>.<threshold>` or threshold name. */
  thresholds: Record<string, number>;
  /** Product performance baselines (e.g. conversion, sessions) the org knows for this channel. */
  baselines: Record<string, number>;
  bestPractices: string[];
  algorithmNotes: string[];
  competitorNotes: string[];
}

export interface ChannelAnalysis {
  proposals: Proposal[];
  /** How many subjects each rule flagged (before dedupe and caps). */
  hits: Record<string, number>;
  /** The size of what was analysed. */
  context: { stores: number; listings: number; orders: number };
}

export interface AnalyzeChannelInput {
  orgId: string;
  marketplace: Marketplace;
  knowledge: Knowledge;
  now: Date;
}
