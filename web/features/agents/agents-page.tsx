import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Bot, Play, PlayCircle } from 'lucide-react';
import { useEffect, useState } from 'react';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { Textarea } from '../../components/ui/textarea.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import {
  type AgentDetail,
  type AgentPatch,
  type AgentRun,
  type AgentView,
  agentQuery,
  agentsQuery,
  runAgent,
  runAllAgents,
  updateAgent,
} from './agents-api.ts';

const runBadge = { running: 'info', succeeded: 'success', failed: 'danger', skipped: 'secondary' } as const;
const pctText = (v: number | null) => (v === null ? '—' : `${v}%`);

function RunStatus({ run }: { run: AgentRun | null }) {
  const t = useT();
  if (!run) return <span className="text-muted-foreground">{t('agents.neverRun')}</span>;
  return (
    <Badge variant={runBadge[run.status]} data-testid="agent-run-status" data-status={run.status}>
      {t(`agents.run.status.${run.status}`)}
    </Badge>
  );
}

/** The marketplace agents: status, last run, metrics; per agent run now, enable, schedule, settings, knowledge, rules, runs. */
export function AgentsPage() {
  const t = useT();
  const { locale } = useLocale();
  const canManage = useCan('agents.manage');
  const queryClient = useQueryClient();
  const query = useQuery(agentsQuery);
  const [selected, setSelected] = useState<string | null>(null);
  const refreshSoon = () => {
    for (const ms of [500, 1500, 4000, 8000]) setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['agents'] }), ms);
  };
  const runAll = useMutation({ mutationFn: runAllAgents, onSuccess: refreshSoon });
  return (
    <div className="space-y-6">
      <PageHeader
        title={t('agents.title')}
        description={t('agents.subtitle')}
        actions={
          canManage && (
            <Button onClick={() => runAll.mutate()} disabled={runAll.isPending} data-testid="agents-run-all">
              <PlayCircle />
              {t('agents.runAll')}
            </Button>
          )
        }
      />
      <FormError error={runAll.error} />
      {runAll.data && <p className="text-muted-foreground text-sm">{runAll.data.queued ? t('agents.queued') : t('agents.alreadyQueued')}</p>}
      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : !query.data ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : (
        <Card>
          <CardContent>
            <Table data-testid="agents-table">
              <TableHeader>
                <TableRow>
                  <TableHead>{t('agents.col.agent')}</TableHead>
                  <TableHead>{t('agents.col.status')}</TableHead>
                  <TableHead>{t('agents.col.schedule')}</TableHead>
                  <TableHead>{t('agents.col.lastRun')}</TableHead>
                  <TableHead className="text-right">{t('agents.col.proposed')}</TableHead>
                  <TableHead className="text-right">{t('agents.col.approved')}</TableHead>
                  <TableHead className="text-right">{t('agents.col.completed')}</TableHead>
                  <TableHead className="text-right">{t('agents.col.approvalRate')}</TableHead>
                  <TableHead className="text-right">{t('agents.col.quality')}</TableHead>
                  <TableHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {query.data.agents.map((agent: AgentView) => (
                  <TableRow key={agent.id} data-testid="agent-row" data-agent={agent.id} data-selected={selected === agent.id}>
                    <TableCell>
                      <div className="font-medium">{agent.name}</div>
                      <div className="text-muted-foreground text-xs">{agent.focus}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant={agent.enabled ? 'success' : 'secondary'}>{agent.enabled ? t('agents.enabled') : t('agents.disabled')}</Badge>
                    </TableCell>
                    <TableCell className="whitespace-nowrap font-mono text-xs">{agent.effectiveSchedule}</TableCell>
                    <TableCell>
                      <div className="flex flex-col gap-1">
                        <RunStatus run={agent.lastRun} />
                        {agent.lastRun && (
                          <span className="text-muted-foreground text-xs">
                            {formatDateTime(agent.lastRun.startedAt, locale)} · {t('agents.tasksCreated', { count: agent.lastRun.tasksCreated })}
                          </span>
                        )}
                      </div>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{agent.metrics.proposed}</TableCell>
                    <TableCell className="text-right tabular-nums">{agent.metrics.approved}</TableCell>
                    <TableCell className="text-right tabular-nums">{agent.metrics.completed}</TableCell>
                    <TableCell className="text-right tabular-nums">{pctText(agent.metrics.approvalRate)}</TableCell>
                    <TableCell className="text-right tabular-nums">{agent.metrics.qualityScore ?? '—'}</TableCell>
                    <TableCell>
                      <Button size="sm" variant="outline" onClick={() => setSelected(agent.id)} data-testid="agent-open">
                        {t('agents.details')}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
      {selected && <AgentPanel id={selected} onRan={refreshSoon} />}
    </div>
  );
}

function AgentPanel({ id, onRan }: { id: string; onRan: () => void }) {
  const t = useT();
  const canManage = useCan('agents.manage');
  const queryClient = useQueryClient();
  const query = useQuery(agentQuery(id));
  const run = useMutation({ mutationFn: () => runAgent(id), onSuccess: onRan });
  const save = useMutation({
    mutationFn: (patch: AgentPatch) => updateAgent(id, patch),
    onSuccess: (detail) => {
      queryClient.setQueryData(agentQuery(id).queryKey, detail);
      void queryClient.invalidateQueries({ queryKey: ['agents'] });
    },
  });
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  const agent = query.data;
  if (!agent) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  return (
    <Card data-testid="agent-panel" data-agent={agent.id}>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Bot className="size-4" aria-hidden="true" />
          {agent.name} <span className="font-mono text-muted-foreground text-xs">{agent.id}</span>
        </CardTitle>
        <CardDescription>
          {agent.focus} · {agent.categories.join(', ')} · {t(`agents.frequency.${agent.frequency}`)}
        </CardDescription>
        {canManage && (
          <div className="flex flex-wrap gap-2 pt-2">
            <Button size="sm" onClick={() => run.mutate()} disabled={run.isPending} data-testid="agent-run-now">
              <Play />
              {t('agents.runNow')}
            </Button>
            <Button size="sm" variant="outline" onClick={() => save.mutate({ enabled: !agent.enabled })} disabled={save.isPending} data-testid="agent-toggle">
              {agent.enabled ? t('agents.disable') : t('agents.enable')}
            </Button>
          </div>
        )}
        <FormError error={run.error ?? save.error} />
      </CardHeader>
      <CardContent className="space-y-6">
        <Metrics agent={agent} />
        {canManage && <SettingsForm agent={agent} onSave={(patch) => save.mutate(patch)} saving={save.isPending} />}
        {canManage && <KnowledgeForm agent={agent} onSave={(patch) => save.mutate(patch)} saving={save.isPending} />}
        <Rules agent={agent} />
        <Runs runs={agent.recentRuns} />
      </CardContent>
    </Card>
  );
}

function Metrics({ agent }: { agent: AgentDetail }) {
  const t = useT();
  const m = agent.metrics;
  const facts: Array<[string, string | number]> = [
    [t('agents.metric.runsPerDay'), m.runsPerDay],
    [t('agents.metric.tasksPerDay'), m.tasksPerDay],
    [t('agents.col.approvalRate'), pctText(m.approvalRate)],
    [t('agents.metric.avgHours'), m.avgEstimatedHours ?? '—'],
    [t('agents.metric.timeAccuracy'), pctText(m.timeAccuracy)],
    [t('agents.col.quality'), m.qualityScore ?? '—'],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-6" data-testid="agent-metrics">
      {facts.map(([label, value]) => (
        <div key={label} className="rounded-lg border p-3">
          <dt className="text-muted-foreground text-xs">{label}</dt>
          <dd className="font-semibold tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SettingsForm({ agent, onSave, saving }: { agent: AgentDetail; onSave: (patch: AgentPatch) => void; saving: boolean }) {
  const t = useT();
  const [schedule, setSchedule] = useState(agent.schedule ?? '');
  const [dailyCap, setDailyCap] = useState(String(agent.settings.dailyCap));
  const [minImpact, setMinImpact] = useState(String(agent.settings.minImpact));
  const [mode, setMode] = useState(agent.settings.mode);
  useEffect(() => {
    setSchedule(agent.schedule ?? '');
    setDailyCap(String(agent.settings.dailyCap));
    setMinImpact(String(agent.settings.minImpact));
    setMode(agent.settings.mode);
  }, [agent.schedule, agent.settings.dailyCap, agent.settings.minImpact, agent.settings.mode]);
  return (
    <form
      className="grid gap-3 sm:grid-cols-5"
      data-testid="agent-settings"
      onSubmit={(event) => {
        event.preventDefault();
        onSave({ schedule: schedule.trim() || null, settings: { dailyCap: Number(dailyCap), minImpact: Number(minImpact), mode } });
      }}
    >
      <Field label={t('agents.schedule')} htmlFor="agent-schedule" hint={t('agents.scheduleHint', { tz: agent.timeZone })}>
        <Input id="agent-schedule" value={schedule} placeholder={agent.effectiveSchedule} onChange={(e) => setSchedule(e.target.value)} />
      </Field>
      <Field label={t('agents.dailyCap')} htmlFor="agent-cap">
        <Input id="agent-cap" type="number" min={0} max={500} value={dailyCap} onChange={(e) => setDailyCap(e.target.value)} />
      </Field>
      <Field label={t('agents.minImpact')} htmlFor="agent-min-impact">
        <Input id="agent-min-impact" type="number" min={0} max={100} value={minImpact} onChange={(e) => setMinImpact(e.target.value)} />
      </Field>
      <Field label={t('agents.mode')} htmlFor="agent-mode">
        <Select id="agent-mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
          <option value="rules">{t('agents.mode.rules')}</option>
          <option value="auto">{t('agents.mode.auto')}</option>
        </Select>
      </Field>
      <div className="flex items-end">
        <Button type="submit" disabled={saving} data-testid="agent-settings-save">
          {saving ? t('common.saving') : t('common.save')}
        </Button>
      </div>
    </form>
  );
}

const toLines = (pairs: Record<string, number>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
const fromLines = (text: string): Record<string, number> =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.split('='))
      .filter((parts) => parts.length === 2 && parts[0]?.trim() && Number.isFinite(Number(parts[1])))
      .map(([k, v]) => [(k as string).trim(), Number(v)]),
  );
const notes = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function KnowledgeForm({ agent, onSave, saving }: { agent: AgentDetail; onSave: (patch: AgentPatch) => void; saving: boolean }) {
  const t = useT();
  const k = agent.knowledge;
  const [thresholds, setThresholds] = useState(toLines(k.thresholds));
  const [baselines, setBaselines] = useState(toLines(k.baselines));
  const [bestPractices, setBestPractices] = useState(k.bestPractices.join('\n'));
  const [algorithmNotes, setAlgorithmNotes] = useState(k.algorithmNotes.join('\n'));
  const [competitorNotes, setCompetitorNotes] = useState(k.competitorNotes.join('\n'));
  const area = (id: string, label: string, value: string, set: (v: string) => void) => (
    <Field label={label} htmlFor={id}>
      <Textarea id={id} rows={4} value={value} onChange={(e) => set(e.target.value)} className="font-mono text-xs" />
    </Field>
  );
  return (
    <form
      className="space-y-3"
      data-testid="agent-knowledge"
      onSubmit={(event) => {
        event.preventDefault();
        onSave({
          knowledge: {
            thresholds: fromLines(thresholds),
            baselines: fromLines(baselines),
            bestPractices: notes(bestPractices),
            algorithmNotes: notes(algorithmNotes),
            competitorNotes: notes(competitorNotes),
          },
        });
      }}
    >
      <h3 className="font-medium">{t('agents.knowledge')}</h3>
      <p className="text-muted-foreground text-sm">{t('agents.knowledgeHint')}</p>
      <div className="grid gap-3 md:grid-cols-2">
        {area('kb-thresholds', t('agents.kb.thresholds'), thresholds, setThresholds)}
        {area('kb-baselines', t('agents.kb.baselines'), baselines, setBaselines)}
        {area('kb-best', t('agents.kb.bestPractices'), bestPractices, setBestPractices)}
        {area('kb-algorithm', t('agents.kb.algorithmNotes'), algorithmNotes, setAlgorithmNotes)}
        {area('kb-competitors', t('agents.kb.competitorNotes'), competitorNotes, setCompetitorNotes)}
      </div>
      <Button type="submit" variant="outline" disabled={saving} data-testid="agent-knowledge-save">
        {t('agents.saveKnowledge')}
      </Button>
    </form>
  );
}

function Rules({ agent }: { agent: AgentDetail }) {
  const t = useT();
  return (
    <section className="space-y-2">
      <h3 className="font-medium">{t('agents.rules')}</h3>
      <Table data-testid="agent-rules">
        <TableHeader>
          <TableRow>
            <TableHead>{t('agents.rule')}</TableHead>
            <TableHead>{t('agents.ruleSource')}</TableHead>
            <TableHead>{t('agents.thresholds')}</TableHead>
            <TableHead className="text-right">{t('agents.hits')}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {agent.rules.map((rule) => (
            <TableRow key={rule.id} data-testid="agent-rule" data-rule={rule.id}>
              <TableCell>
                <div className="font-medium">{rule.title}</div>
                <div className="font-mono text-muted-foreground text-xs">{rule.id}</div>
              </TableCell>
              <TableCell className="max-w-xs text-muted-foreground text-xs">{rule.source}</TableCell>
              <TableCell className="font-mono text-xs">
                {Object.entries(rule.thresholds)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </TableCell>
              <TableCell className="text-right tabular-nums">{rule.hits}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}

function Runs({ runs }: { runs: AgentRun[] }) {
  const t = useT();
  const { locale } = useLocale();
  return (
    <section className="space-y-2">
      <h3 className="font-medium">{t('agents.recentRuns')}</h3>
      {runs.length === 0 ? (
        <p className="text-muted-foreground text-sm">{t('agents.noRuns')}</p>
      ) : (
        <Table data-testid="agent-runs">
          <TableHeader>
            <TableRow>
              <TableHead>{t('agents.run.started')}</TableHead>
              <TableHead>{t('agents.run.trigger')}</TableHead>
              <TableHead>{t('agents.col.status')}</TableHead>
              <TableHead className="text-right">{t('agents.run.proposals')}</TableHead>
              <TableHead className="text-right">{t('agents.run.created')}</TableHead>
              <TableHead>{t('agents.run.skipped')}</TableHead>
              <TableHead>{t('agents.run.mode')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {runs.map((run) => (
              <TableRow key={run.id} data-testid="agent-run" data-status={run.status}>
                <TableCell>{formatDateTime(run.startedAt, locale)}</TableCell>
                <TableCell>{t(`agents.trigger.${run.trigger}`)}</TableCell>
                <TableCell>
                  <RunStatus run={run} />
                  {run.error && <div className="max-w-xs text-danger text-xs">{run.error}</div>}
                </TableCell>
                <TableCell className="text-right tabular-nums">{run.proposalsFound}</TableCell>
                <TableCell className="text-right tabular-nums">{run.tasksCreated}</TableCell>
                <TableCell className="text-muted-foreground text-xs">
                  {t('agents.run.skippedDetail', {
                    duplicate: run.skipped.duplicate,
                    rejected: run.skipped.rejectedRecently,
                    cap: run.skipped.overCap,
                  })}
                </TableCell>
                <TableCell className="text-xs">
                  {run.mode}
                  {run.fallbackReason ? ` (${run.fallbackReason})` : ''}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
