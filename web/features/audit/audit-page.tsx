import { useInfiniteQuery } from '@tanstack/react-query';
import { ChevronDown, ChevronRight, Filter, X } from 'lucide-react';
import { type FormEvent, Fragment, useState } from 'react';
import type { AuditEntry } from '../../../src/contracts/identity.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { SettingsSection } from '../settings/settings-section.tsx';
import { type AuditFilters, auditQuery, changeRows, dayBoundary, showValue } from './audit-api.ts';

interface FilterForm {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  from: string;
  to: string;
}

const emptyForm: FilterForm = { actor: '', action: '', resourceType: '', resourceId: '', from: '', to: '' };

function toFilters(form: FilterForm): AuditFilters {
  const filters: AuditFilters = {};
  if (form.actor.trim()) filters.actor = form.actor.trim();
  if (form.action.trim()) filters.action = form.action.trim();
  if (form.resourceType.trim()) filters.resourceType = form.resourceType.trim();
  if (form.resourceId.trim()) filters.resourceId = form.resourceId.trim();
  const from = dayBoundary(form.from, 'start');
  const to = dayBoundary(form.to, 'end');
  if (from) filters.from = from;
  if (to) filters.to = to;
  return filters;
}

export function AuditPage() {
  return (
    <SettingsSection pageId="audit">
      <AuditLog />
    </SettingsSection>
  );
}

function AuditLog() {
  const t = useT();
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const [filters, setFilters] = useState<AuditFilters>({});
  const query = useInfiniteQuery(auditQuery(filters));
  const entries = query.data?.pages.flatMap((page) => page.entries) ?? [];
  const filtered = Object.keys(filters).length > 0;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilters(toFilters(form));
  };
  const clear = () => {
    setForm(emptyForm);
    setFilters({});
  };
  const field = (key: keyof FilterForm) => ({
    id: `audit-${key}`,
    'data-testid': `audit-filter-${key}`,
    value: form[key],
    onChange: (event: { target: { value: string } }) => setForm((current) => ({ ...current, [key]: event.target.value })),
  });

  return (
    <div className="space-y-5">
      <form onSubmit={onSubmit} className="grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="audit-filters">
        <Field label={t('audit.actor')} htmlFor="audit-actor">
          <Input {...field('actor')} placeholder={t('audit.actorPlaceholder')} />
        </Field>
        <Field label={t('audit.action')} htmlFor="audit-action">
          <Input {...field('action')} placeholder={t('audit.actionPlaceholder')} className="font-mono" />
        </Field>
        <Field label={t('audit.resourceType')} htmlFor="audit-resourceType">
          <Input {...field('resourceType')} placeholder={t('audit.resourceTypePlaceholder')} className="font-mono" />
        </Field>
        <Field label={t('audit.resourceId')} htmlFor="audit-resourceId">
          <Input {...field('resourceId')} className="font-mono" />
        </Field>
        <Field label={t('audit.from')} htmlFor="audit-from">
          <Input {...field('from')} type="date" max={form.to || undefined} />
        </Field>
        <Field label={t('audit.to')} htmlFor="audit-to">
          <Input {...field('to')} type="date" min={form.from || undefined} />
        </Field>
        <div className="flex gap-2 sm:col-span-2 lg:col-span-3">
          <Button type="submit" data-testid="audit-apply">
            <Filter />
            {t('audit.apply')}
          </Button>
          {filtered && (
            <Button variant="ghost" onClick={clear} data-testid="audit-clear">
              <X />
              {t('audit.clear')}
            </Button>
          )}
        </div>
      </form>

      {query.isError && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {query.isPending ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : entries.length === 0 && !query.isError ? (
        <p className="rounded-lg border border-dashed px-4 py-8 text-center text-muted-foreground" data-testid="audit-empty">
          {filtered ? t('audit.emptyFiltered') : t('audit.empty')}
        </p>
      ) : (
        <Table data-testid="audit-table">
          <TableHeader>
            <TableRow>
              <TableHead className="w-8">
                <span className="sr-only">{t('audit.details')}</span>
              </TableHead>
              <TableHead>{t('audit.when')}</TableHead>
              <TableHead>{t('audit.actor')}</TableHead>
              <TableHead>{t('audit.action')}</TableHead>
              <TableHead>{t('audit.resource')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {entries.map((entry) => (
              <AuditRow key={entry.id} entry={entry} />
            ))}
          </TableBody>
        </Table>
      )}

      {query.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage} data-testid="audit-load-more">
            {query.isFetchingNextPage ? t('common.loading') : t('audit.loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const t = useT();
  const { locale } = useLocale();
  const [open, setOpen] = useState(false);
  const rows = changeRows(entry.changes);
  const detailsId = `audit-details-${entry.id}`;
  return (
    <Fragment>
      <TableRow
        data-testid="audit-row"
        data-action={entry.action}
        data-resource-type={entry.resourceType}
        className={open ? 'border-b-0 bg-muted/30' : undefined}
      >
        <TableCell className="pr-0">
          <Button
            variant="ghost"
            size="icon"
            className="size-7"
            aria-expanded={open}
            aria-controls={detailsId}
            aria-label={t('audit.details')}
            onClick={() => setOpen((value) => !value)}
            data-testid="audit-expand"
          >
            {open ? <ChevronDown /> : <ChevronRight />}
          </Button>
        </TableCell>
        <TableCell className="whitespace-nowrap text-muted-foreground">
          <time dateTime={entry.at}>{formatDateTime(entry.at, locale)}</time>
        </TableCell>
        <TableCell>
          <span className="flex items-center gap-2">
            <span className="max-w-56 truncate" title={entry.actorLabel}>
              {entry.actorLabel}
            </span>
            {entry.actorType !== 'user' && <Badge variant="secondary">{t(`audit.actorType.${entry.actorType}`)}</Badge>}
          </span>
        </TableCell>
        <TableCell>
          <code className="font-mono text-xs">{entry.action}</code>
        </TableCell>
        <TableCell>
          <span className="font-mono text-muted-foreground text-xs">
            {entry.resourceType}
            {entry.resourceId && <span className="break-all">/{entry.resourceId}</span>}
          </span>
        </TableCell>
      </TableRow>
      {open && (
        <TableRow id={detailsId} data-testid="audit-details" className="bg-muted/30 hover:bg-muted/30">
          <TableCell />
          <TableCell colSpan={4} className="pt-0 pb-4">
            {rows.length === 0 ? (
              <p className="text-muted-foreground text-xs">{t('audit.noChanges')}</p>
            ) : (
              <table className="w-full max-w-3xl text-xs">
                <thead>
                  <tr className="text-left text-muted-foreground">
                    <th className="py-1 pr-4 font-medium">{t('audit.field')}</th>
                    <th className="py-1 pr-4 font-medium">{t('audit.before')}</th>
                    <th className="py-1 font-medium">{t('audit.after')}</th>
                  </tr>
                </thead>
                <tbody className="font-mono">
                  {rows.map((row) => (
                    <tr key={row.key} className="border-t align-top" data-testid="audit-change" data-key={row.key}>
                      <td className="py-1 pr-4 font-sans font-medium">{row.key}</td>
                      {row.kind === 'diff' ? (
                        <>
                          <td className="break-all py-1 pr-4 text-danger/90">{showValue(row.before)}</td>
                          <td className="break-all py-1 text-success">{showValue(row.after)}</td>
                        </>
                      ) : (
                        <td colSpan={2} className="break-all py-1">
                          {showValue(row.value)}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="mt-2 font-mono text-[11px] text-muted-foreground">
              {[entry.requestId && t('error.requestId', { id: entry.requestId }), entry.ip && `IP ${entry.ip}`].filter(Boolean).join(' · ')}
            </p>
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}
