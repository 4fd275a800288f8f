import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useRef, useState } from 'react';
import { planStatuses } from '../../../src/contracts/plans.ts';
import { type Marketplace, marketplaces } from '../../../src/contracts/tasks.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { hasPermission, useMe } from '../auth/session.tsx';
import { EVENTS_URL } from '../system/system-api.ts';
import { useEventSource } from '../system/use-event-stream.ts';
import { marketplaceName } from '../tasks/tasks-api.ts';
import { PlanDrawer, PlanStatusBadge } from './plan-drawer.tsx';
import { PLANS_KEY, PLANS_PAGE_SIZE, type PlanStatus, plansQuery, uploadReport } from './plans-api.ts';

const LIVE_TYPES = ['plan.updated', 'plan.phase1.created'] as const;

/** Plan events refresh the plan queries (and the task queries, which Phase 1 fills). */
function useLivePlans() {
  const me = useMe();
  const queryClient = useQueryClient();
  useEventSource({
    url: EVENTS_URL,
    types: LIVE_TYPES,
    enabled: hasPermission(me, 'events.read'),
    onEvent: () => void queryClient.invalidateQueries({ queryKey: PLANS_KEY }),
  });
}

function UploadCard({ onUploaded }: { onUploaded: (planId: string) => void }) {
  const t = useT();
  const [channels, setChannels] = useState<Marketplace[]>(['amazon']);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (f: File) => uploadReport(f, channels, setProgress),
    onSuccess: (result) => {
      setFile(null);
      if (input.current) input.current.value = '';
      onUploaded(result.planId);
    },
    onSettled: () => setProgress(null),
  });
  const toggle = (channel: Marketplace, on: boolean) => setChannels((current) => (on ? [...current, channel] : current.filter((c) => c !== channel)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file && channels.length > 0) upload.mutate(file);
  };
  const reason = (upload.error as { details?: { reason?: string } } | null)?.details?.reason;
  return (
    <Card data-testid="plan-upload">
      <CardHeader>
        <CardTitle>{t('plans.upload.title')}</CardTitle>
        <CardDescription>{t('plans.upload.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="space-y-4" onSubmit={submit}>
          <Field label={t('plans.upload.file')} htmlFor="plan-file">
            <Input
              id="plan-file"
              ref={input}
              type="file"
              accept=".csv,.tsv,.xlsx,.pdf,.txt,text/csv,text/plain,application/pdf,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              data-testid="plan-file"
            />
          </Field>
          <fieldset className="space-y-2">
            <legend className="font-medium text-sm">{t('plans.upload.channels')}</legend>
            <div className="flex flex-wrap gap-4">
              {marketplaces.map((channel) => (
                <label key={channel} htmlFor={`plan-channel-${channel}`} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    id={`plan-channel-${channel}`}
                    checked={channels.includes(channel)}
                    onChange={(event) => toggle(channel, event.target.checked)}
                    data-testid={`plan-channel-${channel}`}
                  />
                  {marketplaceName(channel)}
                </label>
              ))}
            </div>
          </fieldset>
          {progress !== null && (
            <div
              className="h-2 w-full overflow-hidden rounded bg-muted"
              role="progressbar"
              aria-valuenow={Math.round(progress * 100)}
              data-testid="plan-upload-progress"
            >
              <div className="h-full bg-primary transition-all" style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
          )}
          {upload.isError && (
            <p className="text-danger text-sm" role="alert" data-testid="plan-upload-error">
              {reason ? t(`plans.upload.error.${reason as 'empty_file'}`) : upload.error.message}
            </p>
          )}
          <Button type="submit" disabled={!file || channels.length === 0 || upload.isPending} data-testid="plan-upload-submit">
            {upload.isPending ? t('plans.upload.uploading') : t('plans.upload.submit')}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

/** Analysis plans (seed 002): upload a report, follow its plan through the states live, review and approve it. */
export function PlansPage() {
  const t = useT();
  const { locale } = useLocale();
  const me = useMe();
  const canManage = hasPermission(me, 'plans.manage');
  const [status, setStatus] = useState<PlanStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  useLivePlans();
  const list = useQuery(plansQuery({ ...(status ? { status } : {}), offset }));
  const plans = list.data?.plans ?? [];
  return (
    <div className="space-y-6" data-testid="plans-page">
      <PageHeader title={t('plans.title')} description={t('plans.subtitle')} />
      {canManage && <UploadCard onUploaded={setOpen} />}
      <Card>
        <CardHeader>
          <CardTitle>{t('plans.list.title')}</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <Field label={t('plans.list.status')} htmlFor="plans-status">
            <Select
              id="plans-status"
              className="max-w-60"
              value={status}
              onChange={(event) => {
                setStatus(event.target.value as PlanStatus | '');
                setOffset(0);
              }}
              data-testid="plans-filter-status"
            >
              <option value="">{t('filters.any')}</option>
              {planStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`plans.status.${s}`)}
                </option>
              ))}
            </Select>
          </Field>
          {list.isError ? (
            <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
          ) : plans.length === 0 ? (
            <p className="text-muted-foreground" data-testid="plans-empty">
              {list.isPending ? t('common.loading') : t('plans.list.empty')}
            </p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('plans.list.file')}</TableHead>
                  <TableHead>{t('plans.list.channels')}</TableHead>
                  <TableHead>{t('plans.list.state')}</TableHead>
                  <TableHead className="text-right">{t('plans.list.opportunities')}</TableHead>
                  <TableHead className="text-right">{t('plans.list.tasks')}</TableHead>
                  <TableHead>{t('plans.list.created')}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {plans.map((plan) => (
                  <TableRow
                    key={plan.id}
                    className="cursor-pointer"
                    onClick={() => setOpen(plan.id)}
                    data-testid="plan-row"
                    data-status={plan.status}
                    data-plan-id={plan.id}
                  >
                    <TableCell>
                      <button type="button" className="font-medium underline-offset-2 hover:underline" onClick={() => setOpen(plan.id)}>
                        {plan.fileName}
                      </button>
                    </TableCell>
                    <TableCell>{plan.channels.map((c) => marketplaceName(c)).join(', ')}</TableCell>
                    <TableCell>
                      <PlanStatusBadge status={plan.status} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{plan.opportunities}</TableCell>
                    <TableCell className="text-right tabular-nums">{plan.taskIds.length}</TableCell>
                    <TableCell>{formatDateTime(plan.createdAt, locale)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {list.data && list.data.total > PLANS_PAGE_SIZE && (
            <div className="flex items-center gap-2">
              <Button variant="outline" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PLANS_PAGE_SIZE))}>
                {t('plans.list.previous')}
              </Button>
              <Button variant="outline" size="sm" disabled={offset + PLANS_PAGE_SIZE >= list.data.total} onClick={() => setOffset(offset + PLANS_PAGE_SIZE)}>
                {t('plans.list.next')}
              </Button>
            </div>
          )}
          <p className="text-muted-foreground text-sm">
            <Link to="/tasks" className="underline">
              {t('plans.list.approvalQueue')}
            </Link>
          </p>
        </CardContent>
      </Card>
      <PlanDrawer planId={open} onClose={() => setOpen(null)} canManage={canManage} />
    </div>
  );
}
