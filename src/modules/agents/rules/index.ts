/**
 * Rule packs and channel analysis for the marketplace agents (issue 8, seed 000 "Task Generation Process"):
 * one pack per marketplace, rules as data plus small pure checks, run over Nexo's synced catalog and orders.
 * See docs/agents-rules.md for every rule, its source, thresholds and the impact formula.
 */
export { analyzeChannel, defaultKnowledge, impactScore, MAX_PROPOSALS, rulesFor, thresholdsOf } from './analyze.ts';
