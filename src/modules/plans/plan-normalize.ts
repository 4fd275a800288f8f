import { type PlanData, type PlanOpportunity, type PlanPhase, planDataSchema } from '../../contracts/plans.ts';
import { type Marketplace, marketplaces } from '../../contracts/tasks.ts';

/**
 * Seed 002 failure points A and B: whatever a model (or an older plan) returns, the service works on a valid
 * plan. Phases without `number` are numbered by order, a missing or empty Phase 1 is generated from the top
 * high-priority opportunities (seed 002 2.3.3), priorities and channels are mapped, and nothing here throws.
 */
export interface Normalized {
  data: PlanData;
  /** What had to be repaired, in words (kept on the plan's history). */
  repairs: string[];
}

type Loose = Record<string, unknown>;

const str = (v: unknown, max: number, fallback = ''): string => {
  if (typeof v === 'string') return v.trim().slice(0, max);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).slice(0, max);
  return fallback;
};

const isRecord = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export function toPriority(v: unknown): PlanOpportunity['priority'] {
  const p = fold(str(v, 30));
  if (['high', 'alta', 'alto', 'urgent', 'urgente', 'critical', 'critica', 'p1', '1'].includes(p)) return 'high';
  if (['low', 'baixa', 'baixo', 'p3', '3'].includes(p)) return 'low';
  return 'medium';
}

export function toChannel(v: unknown, fallback: Marketplace): Marketplace {
  const c = fold(str(v, 60));
  const found = marketplaces.find((m) => c === m || c.includes(m));
  if (found) return found;
  if (c.includes('mercado') || c === 'meli' || c === 'ml') return 'mercadolivre';
  if (c.includes('tiktok')) return 'tiktokshop';
  return fallback;
}

function toOpportunity(v: unknown, channels: Marketplace[]): PlanOpportunity | null {
  if (!isRecord(v)) return typeof v === 'string' && v.trim() ? toOpportunity({ title: v }, channels) : null;
  const what = str(v.what ?? v.description ?? v.action, 2000);
  const title = str(v.title ?? v.name ?? v.opportunity, 200) || what.slice(0, 200);
  if (!title) return null;
  return {
    title,
    what: what || title,
    why: str(v.why ?? v.reason ?? v.rationale, 2000),
    channel: toChannel(v.channel ?? v.marketplace, channels[0] ?? 'amazon'),
    priority: toPriority(v.priority ?? v.prioridade),
    impact: str(v.impact ?? v.impacto ?? v.expectedImpact, 500),
  };
}

function toTaskText(v: unknown): string {
  if (typeof v === 'string') return v.trim().slice(0, 500);
  if (isRecord(v)) {
    const title = str(v.title ?? v.name ?? v.task, 300);
    const detail = str(v.description ?? v.what, 400);
    return (title && detail ? `${title}: ${detail}` : title || detail).slice(0, 500);
  }
  return str(v, 500);
}

/** `number`, `phase`, or the digits in a name like "Phase 2" / "Fase 2". */
function phaseNumber(v: Loose): number | null {
  for (const candidate of [v.number, v.phase, v.numero, v.número]) {
    const n = typeof candidate === 'string' ? Number.parseInt(candidate, 10) : candidate;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 99) return n;
  }
  const m = str(v.name ?? v.title, 200).match(/(?:phase|fase|etapa)\s*(\d{1,2})/i);
  return m ? Number(m[1]) : null;
}

const opportunityTask = (o: PlanOpportunity) => `${o.title}: ${o.what}`.slice(0, 500);

/** Seed 002 2.3.3: Phase 1 from the top high-priority opportunities (the best others when none is high). */
export function generatePhase1(opportunities: PlanOpportunity[], channels: Marketplace[]): PlanPhase {
  const ranked = [...opportunities.filter((o) => o.priority === 'high'), ...opportunities.filter((o) => o.priority === 'medium')];
  const picked = (ranked.length > 0 ? ranked : opportunities).slice(0, 5);
  const tasks =
    picked.length > 0
      ? picked.map(opportunityTask)
      : channels.map((c) => `Review the uploaded report for ${c}: list the three changes with the largest expected effect and their owners`);
  return {
    number: 1,
    name: 'Phase 1 - Quick-impact optimizations',
    weeks: 'Weeks 1-4',
    tasks,
    investment: 'Internal team, existing tools',
    expectedImpact: '15-20% improvement in the KPIs named in the report',
  };
}

function normalizeUnsafe(raw: unknown, channels: Marketplace[]): Normalized {
  const repairs: string[] = [];
  const input = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) repairs.push('the answer was not an object');
  const rawOpps = Array.isArray(input.opportunities) ? input.opportunities : [];
  const opportunities = rawOpps.map((o) => toOpportunity(o, channels)).filter((o): o is PlanOpportunity => o !== null);
  if (opportunities.length < rawOpps.length) repairs.push(`${rawOpps.length - opportunities.length} opportunity(ies) without a title dropped`);

  const rawPhases = (Array.isArray(input.phases) ? input.phases : []).filter(isRecord);
  const used = new Set<number>();
  const numbered = rawPhases.map((p) => {
    const n = phaseNumber(p);
    if (n === null || used.has(n)) return { p, n: null as number | null };
    used.add(n);
    return { p, n };
  });
  let next = 1;
  const phases: PlanPhase[] = numbered.map(({ p, n }, i) => {
    let number = n;
    if (number === null) {
      // Failure point A: numbered by order (its position when free, else the next free number).
      number = used.has(i + 1) ? next : i + 1;
      while (used.has(number)) number++;
      used.add(number);
      next = number + 1;
      repairs.push(`phase ${i + 1} had no valid number: numbered ${number}`);
    }
    const tasksRaw = Array.isArray(p.tasks) ? p.tasks : typeof p.tasks === 'string' ? [p.tasks] : [];
    return {
      number,
      name: str(p.name ?? p.title, 200) || `Phase ${number}`,
      weeks: str(p.weeks ?? p.duration ?? p.semanas, 100),
      tasks: tasksRaw
        .map(toTaskText)
        .filter((t) => t !== '')
        .slice(0, 50),
      investment: str(p.investment ?? p.investimento, 500),
      expectedImpact: str(p.expectedImpact ?? p.expected_impact ?? p.impact ?? p.impactoEsperado, 500),
    };
  });
  phases.sort((a, b) => a.number - b.number);

  // Failure point B: no Phase 1 (or an empty one) -> generated from the opportunities.
  const phase1 = phases.find((p) => p.number === 1);
  if (!phase1) {
    phases.unshift(generatePhase1(opportunities, channels));
    repairs.push('no Phase 1: generated from the top high-priority opportunities');
  } else if (phase1.tasks.length === 0) {
    phase1.tasks = generatePhase1(opportunities, channels).tasks;
    repairs.push('Phase 1 had no tasks: filled from the top high-priority opportunities');
  }
  return {
    data: {
      summary: str(input.summary ?? input.resumo, 5000),
      opportunities: opportunities.slice(0, 100),
      phases: phases.slice(0, 12),
    },
    repairs,
  };
}

/** Never throws: an input that still fails the schema becomes a plan with a generated Phase 1 only. */
export function normalizePlanData(raw: unknown, channels: Marketplace[]): Normalized {
  try {
    const out = normalizeUnsafe(raw, channels);
    const checked = planDataSchema.safeParse(out.data);
    if (checked.success) return { data: checked.data, repairs: out.repairs };
    return {
      data: { summary: out.data.summary, opportunities: [], phases: [generatePhase1([], channels)] },
      repairs: [...out.repairs, `the plan did not validate (${checked.error.issues[0]?.message ?? 'invalid'}): Phase 1 regenerated`],
    };
  } catch (error) {
    return { data: { summary: '', opportunities: [], phases: [generatePhase1([], channels)] }, repairs: [`normalization failed: ${(error as Error).message}`] };
  }
}
