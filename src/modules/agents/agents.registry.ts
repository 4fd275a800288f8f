import { and, eq } from 'drizzle-orm';
import { agentIds, agentProfiles, knowledgeSchema } from '../../contracts/agents.ts';
import type { Marketplace } from '../../contracts/tasks.ts';
import type { DbOrTx } from '../../db/client.ts';
import { notFound } from '../../lib/errors.ts';
import { type AgentSettings, agents } from './agents.tables.ts';
import type { Knowledge } from './analysis.types.ts';
import { defaultKnowledge } from './rules/index.ts';

export type AgentRow = typeof agents.$inferSelect;

/** The channel an agent studies (`marketplace-amazon` -> `amazon`); null for the master. */
export const marketplaceOf = (agentId: string): Marketplace | null =>
  agentId === 'marketplace-master' ? null : (agentId.replace(/^marketplace-/, '') as Marketplace);

export const emptyKnowledge = (): Knowledge => ({ thresholds: {}, baselines: {}, bestPractices: [], algorithmNotes: [], competitorNotes: [] });

/** Defaults (docs/agents.md): channel agents up to 20 tasks a day, the master 10; every proposal kept; rules only. */
export const defaultSettings = (agentId: string): AgentSettings => ({ dailyCap: agentId === 'marketplace-master' ? 10 : 20, minImpact: 0, mode: 'rules' });

/** Creates the org's missing agents with seed 000's profile and the rule packs' default knowledge (idempotent). */
export async function ensureAgents(db: DbOrTx, orgId: string, now: Date): Promise<void> {
  const existing = await db.select({ agentId: agents.agentId }).from(agents).where(eq(agents.orgId, orgId));
  if (existing.length >= agentIds.length) return;
  const have = new Set(existing.map((r) => r.agentId));
  const missing = agentIds.filter((id) => !have.has(id));
  await db
    .insert(agents)
    .values(
      missing.map((agentId) => {
        const profile = agentProfiles[agentId];
        const marketplace = marketplaceOf(agentId);
        return {
          orgId,
          agentId,
          marketplace,
          name: profile.name,
          focus: profile.focus,
          categories: profile.categories,
          frequency: profile.frequency,
          enabled: true,
          schedule: null,
          settings: defaultSettings(agentId),
          knowledge: marketplace ? defaultKnowledge(marketplace) : emptyKnowledge(),
          createdAt: now,
          updatedAt: now,
        };
      }),
    )
    .onConflictDoNothing();
}

export async function listAgentRows(db: DbOrTx, orgId: string, now: Date): Promise<AgentRow[]> {
  await ensureAgents(db, orgId, now);
  const rows = await db.select().from(agents).where(eq(agents.orgId, orgId));
  const order = new Map<string, number>(agentIds.map((id, i) => [id, i]));
  return rows.sort((a, b) => (order.get(a.agentId) ?? 99) - (order.get(b.agentId) ?? 99) || a.agentId.localeCompare(b.agentId));
}

export async function getAgentRow(db: DbOrTx, orgId: string, agentId: string, now: Date, lock = false): Promise<AgentRow> {
  await ensureAgents(db, orgId, now);
  const query = db
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.agentId, agentId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Agent');
  return row;
}

/** The stored knowledge, validated (a row edited by hand into something else fails that agent's run, not the others). */
export const knowledgeOf = (row: AgentRow): Knowledge => knowledgeSchema.parse(row.knowledge);
