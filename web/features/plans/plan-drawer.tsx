import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { DetailSection } from '../../components/fact-list.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Sheet } from '../../components/ui/sheet.tsx';
import { Textarea } from '../../components/ui/textarea.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { marketplaceName, TASKS_KEY } from '../tasks/tasks-api.ts';
import { type AnalysisPlan, decidePlan, PLANS_KEY, type PlanStatus, planQuery } from './plans-api.ts';

const statusVariant: Record<PlanStatus, 'secondary' | 'info' | 'success' | 'warning' | 'danger' | 'default'> = {
  uploaded: 'secondary',
  analyzing: 'info',
  ready: 'warning',
  approved: 'info',
  creating_tasks: 'info',
  tasks_created: 'success',
  rejected: 'secondary',
  failed: 'danger',
};

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  const t = useT();
  return (
    <Badge variant={statusVariant[status]} data-testid="plan-status" data-status={status}>
      {t(`plans.status.${status}`)}
    </Badge>
  );
}

/** States a job is still working on. */
const movingStatuses = new Set<PlanStatus>(['uploaded', 'analyzing', 'approved', 'creating_tasks']);

const priorityVariant = { high: 'danger', medium: 'warning', low: 'secondary' } as const;

function Decision({ plan }: { plan: AnalysisPlan }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (body: { action: 'approve' | 'reject'; reason?: string }) => decidePlan(plan.id, body),
    onSuccess: () => {
      setRejecting(false);
      void queryClient.invalidateQueries({ queryKey: PLANS_KEY });
      void queryClient.invalidateQueries({ queryKey: TASKS_KEY });
    },
  });
  return (
    <div className="space-y-3" data-testid="plan-decision">
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => decide.mutate({ action: 'approve' })} disabled={decide.isPending} data-testid="plan-approve">
          {t('plans.approve')}
        </Button>
        <Button variant="outline" onClick={() => setRejecting(true)} disabled={decide.isPending} data-testid="plan-reject">
          {t('plans.reject')}
        </Button>
      </div>
      {rejecting && (
        <div className="space-y-2">
          <Textarea value={reason} onChange={(event) => setReason(event.target.value)} placeholder={t('plans.rejectReason')} data-testid="plan-reject-reason" />
          <Button
            variant="default"
            disabled={reason.trim() === '' || decide.isPending}
            onClick={() => decide.mutate({ action: 'reject', reason: reason.trim() })}
            data-testid="plan-reject-confirm"
          >
            {t('plans.rejectConfirm')}
          </Button>
        </div>
      )}
      {decide.isError && <ErrorNotice error={decide.error} />}
    </div>
  );
}

/** One plan: summary, opportunities, phases, Phase 1 tasks (links to the approval queue) and the timeline of its jobs. */
export function PlanDrawer({ planId, onClose, canManage }: { planId: string | null; onClose: () => void; canManage: boolean }) {
  const t = useT();
  const { locale } = useLocale();
  // Live through the event stream; while the plan is moving, also re-read it every 2 s so a missed event never leaves it stale.
  const detail = useQuery({
    ...planQuery(planId ?? ''),
    enabled: planId !== null,
    refetchInterval: (query) => (query.state.data && movingStatuses.has(query.state.data.status) ? 2000 : false),
  });
  const plan = detail.data;
  return (
    <Sheet
      open={planId !== null}
      onClose={onClose}
      title={plan ? plan.fileName : t('common.loading')}
      description={plan && <PlanStatusBadge status={plan.status} />}
      closeLabel={t('common.close')}
      data-testid="plan-drawer"
    >
      {detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !plan ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : (
        <div className="space-y-6">
          <p className="text-muted-foreground text-sm" data-testid="plan-mode">
            {plan.mode ? t(plan.mode === 'llm' ? 'plans.mode.llm' : 'plans.mode.rules') : t('plans.mode.pending')}
            {plan.fallbackReason ? ` · ${t('plans.fallback', { reason: plan.fallbackReason })}` : ''}
          </p>
          {plan.failureReason && (
            <p className="text-danger text-sm" role="alert">
              {plan.failureReason}
            </p>
          )}
          {plan.rejectionReason && <p className="text-sm">{t('plans.rejectedBecause', { reason: plan.rejectionReason })}</p>}
          {canManage && plan.status === 'ready' && <Decision plan={plan} />}
          {plan.planData && (
            <>
              <DetailSection title={t('plans.summary')}>
                <p className="text-sm">{plan.planData.summary}</p>
              </DetailSection>
              <DetailSection title={t('plans.opportunities')}>
                <ul className="space-y-2" data-testid="plan-opportunities">
                  {plan.planData.opportunities.map((o) => (
                    <li key={`${o.channel}-${o.title}`} className="rounded-lg border p-3 text-sm">
                      <div className="flex flex-wrap items-center gap-2">
                        <span className="font-medium">{o.title}</span>
                        <Badge variant={priorityVariant[o.priority]}>{t(`plans.priority.${o.priority}`)}</Badge>
                        <Badge variant="outline">{marketplaceName(o.channel)}</Badge>
                      </div>
                      <p className="mt-1">{o.what}</p>
                      {o.why && <p className="mt-1 text-muted-foreground">{o.why}</p>}
                      {o.impact && <p className="mt-1 text-muted-foreground">{t('plans.impact', { impact: o.impact })}</p>}
                    </li>
                  ))}
                </ul>
              </DetailSection>
              <DetailSection title={t('plans.phases')}>
                <ol className="space-y-3" data-testid="plan-phases">
                  {plan.planData.phases.map((p) => (
                    <li key={p.number} className="rounded-lg border p-3 text-sm" data-testid="plan-phase" data-number={p.number}>
                      <div className="font-medium">
                        {p.name} <span className="text-muted-foreground">· {p.weeks}</span>
                      </div>
                      <ul className="mt-2 list-disc space-y-1 pl-5">
                        {p.tasks.map((task) => (
                          <li key={task}>{task}</li>
                        ))}
                      </ul>
                      {(p.investment || p.expectedImpact) && (
                        <p className="mt-2 text-muted-foreground">
                          {t('plans.phaseFooter', { investment: p.investment || '—', impact: p.expectedImpact || '—' })}
                        </p>
                      )}
                    </li>
                  ))}
                </ol>
              </DetailSection>
            </>
          )}
          {plan.tasks.length > 0 && (
            <DetailSection title={t('plans.phase1Tasks')}>
              <ul className="space-y-1 text-sm" data-testid="plan-tasks">
                {plan.tasks.map((task) => (
                  <li key={task.id} className="flex items-center gap-2" data-testid="plan-task">
                    <Link to="/tasks" className="underline underline-offset-2">
                      {task.title}
                    </Link>
                    <Badge variant="outline">{t(`tasks.status.${task.status as 'awaiting_approval'}`)}</Badge>
                  </li>
                ))}
              </ul>
            </DetailSection>
          )}
          <DetailSection title={t('plans.timeline')}>
            <ol className="space-y-1 text-sm" data-testid="plan-timeline">
              {plan.history.map((h) => (
                <li key={h.id} className="flex flex-wrap gap-2">
                  <span className="text-muted-foreground tabular-nums">{formatDateTime(h.createdAt, locale)}</span>
                  <span className="font-mono text-xs">{h.queueName}</span>
                  <span>
                    {h.queueName === 'plan' || h.fromStatus ? t(`plans.status.${h.status as PlanStatus}`) : t(`plans.jobStatus.${h.status as 'queued'}`)}
                  </span>
                  {h.attempts !== null && <span className="text-muted-foreground">{t('plans.attempt', { n: h.attempts })}</span>}
                  {h.errorMessage && <span className="text-danger">{h.errorMessage}</span>}
                </li>
              ))}
            </ol>
          </DetailSection>
        </div>
      )}
    </Sheet>
  );
}
