import { z } from 'zod';
import { type LlmClient, type LlmPrompt, type LlmUsage, loadPrompt } from '../../lib/llm/index.ts';
import type { AgentRow } from './agents.registry.ts';
import type { ChannelAnalysis, Knowledge, Proposal } from './analysis.types.ts';

/** The versioned prompt (src/modules/agents/prompts/agent-tasks.v1.md). */
export const agentTasksPrompt: LlmPrompt = loadPrompt(new URL('./prompts/agent-tasks.v1.md', import.meta.url));

/** Findings sent to the model: the best by impact (a compact context, not the whole catalog). */
const MAX_FINDINGS = 60;

/** `{ tasks: [...] }`: an object at the top (what JSON mode of OpenAI-compatible servers returns). */
export const llmTasksSchema = z.object({
  tasks: z
    .array(
      z.object({
        key: z.string().min(1).max(300),
        title: z.string().trim().min(1).max(200),
        description: z.string().trim().min(1).max(5000),
        category: z.enum(['optimization', 'best-practice', 'scaling', 'analysis']),
        priority: z.enum(['high', 'medium', 'low']),
        estimatedHours: z.number().min(0.25).max(40),
        impact: z.number().min(0).max(100),
      }),
    )
    .max(100),
});

export interface LlmOutcome {
  proposals: Proposal[] | null;
  mode: 'llm' | 'rules';
  fallbackReason: string | null;
  usage: LlmUsage | null;
}

/**
 * LLM mode: the model reranks and rewrites the rule pack's findings (it may drop some, never invent one: each
 * task names a finding's key, and keeps that finding's subject, evidence and dedupe key). Anything but a valid
 * answer (timeout, error, invalid twice, open breaker) leaves the rule pack's proposals in place.
 */
export async function proposeWithLlm(llm: LlmClient, agent: AgentRow, knowledge: Knowledge, analysis: ChannelAnalysis): Promise<LlmOutcome> {
  const findings = analysis.proposals.slice(0, MAX_FINDINGS);
  if (findings.length === 0) return { proposals: null, mode: 'rules', fallbackReason: 'nothing found by the rule pack to send', usage: null };
  const input = {
    marketplace: agent.marketplace,
    focus: agent.focus,
    categories: agent.categories,
    knowledge: {
      baselines: knowledge.baselines,
      bestPractices: knowledge.bestPractices,
      algorithmNotes: knowledge.algorithmNotes,
      competitorNotes: knowledge.competitorNotes,
    },
    context: analysis.context,
    findings: findings.map((p) => ({
      key: p.dedupeKey,
      rule: p.ruleId,
      title: p.title,
      description: p.description,
      priority: p.priority,
      estimatedHours: p.estimatedHours,
      impact: p.impact,
      evidence: p.evidence,
    })),
  };
  const result = await llm.completeJson({ prompt: agentTasksPrompt, input, schema: llmTasksSchema });
  if (!result.ok) return { proposals: null, mode: 'rules', fallbackReason: `${result.reason}: ${result.detail}`.slice(0, 500), usage: result.usage };
  const byKey = new Map(findings.map((p) => [p.dedupeKey, p]));
  const seen = new Set<string>();
  const proposals: Proposal[] = [];
  for (const task of result.value.tasks) {
    const finding = byKey.get(task.key);
    if (!finding || seen.has(task.key)) continue;
    seen.add(task.key);
    proposals.push({
      ...finding,
      title: task.title,
      description: task.description,
      category: task.category,
      priority: task.priority,
      estimatedHours: task.estimatedHours,
      impact: task.impact,
      evidence: { ...finding.evidence, model: result.model, prompt: agentTasksPrompt.id, ruleImpact: finding.impact },
    });
  }
  if (proposals.length === 0 && result.value.tasks.length > 0) {
    return { proposals: null, mode: 'rules', fallbackReason: 'invalid: the model named no finding of the input', usage: result.usage };
  }
  return { proposals, mode: 'llm', fallbackReason: null, usage: result.usage };
}
