import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { orderFinancialStatuses, orderFulfillmentStatuses } from '../../../src/contracts/connectors.ts';
import { EnumSelectField } from '../../components/enum-select-field.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { FilterBar, SearchInput } from '../../components/filter-bar.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { ListStateRow, LoadMoreButton } from '../../components/list-states.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { useFilterForm } from '../../components/use-filter-form.ts';
import { formatDateTime, formatMoney, useLocale, useT } from '../../i18n/index.ts';
import { dayBoundary } from '../audit/audit-api.ts';
import { StoreFilterFields } from '../stores/store-filter-fields.tsx';
import { useChannelName } from '../stores/use-channel-name.ts';
import { OrderStatusBadges } from './order-badges.tsx';
import { OrderDrawer } from './order-drawer.tsx';
import { type FinancialStatus, type FulfillmentStatus, type OrderFilters, ordersQuery, ordersSummaryQuery } from './orders-api.ts';

interface FilterForm {
  q: string;
  storeId: string;
  platform: string;
  financialStatus: '' | FinancialStatus;
  fulfillmentStatus: '' | FulfillmentStatus | 'cancelled';
  /** yyyy-mm-dd (local days). */
  from: string;
  to: string;
}
/** The fulfilment filter also offers "cancelled" (a flag of its own on the order). */
const fulfillmentChoices = [...orderFulfillmentStatuses, 'cancelled'] as const;
const emptyForm: FilterForm = { q: '', storeId: '', platform: '', financialStatus: '', fulfillmentStatus: '', from: '', to: '' };

function toFilters(form: FilterForm): OrderFilters {
  const filters: OrderFilters = {};
  if (form.q.trim()) filters.q = form.q.trim();
  if (form.storeId) filters.storeId = form.storeId;
  if (form.platform) filters.platform = form.platform;
  if (form.financialStatus) filters.financialStatus = form.financialStatus;
  if (form.fulfillmentStatus === 'cancelled') filters.cancelled = 'true';
  else if (form.fulfillmentStatus) Object.assign(filters, { fulfillmentStatus: form.fulfillmentStatus, cancelled: 'false' });
  const from = dayBoundary(form.from, 'start');
  const to = dayBoundary(form.to, 'end');
  if (from) filters.from = from;
  if (to) filters.to = to;
  return filters;
}

/** Orders (read-only): the unified order list of every store, with its filters, totals per store and an order drawer. */
export function OrdersPage() {
  const channelName = useChannelName();
  const t = useT();
  const { locale } = useLocale();
  const { form, set, filters } = useFilterForm(emptyForm, toFilters);
  const [open, setOpen] = useState<string | null>(null);
  const query = useInfiniteQuery(ordersQuery(filters));
  const orders = query.data?.pages.flatMap((page) => page.orders) ?? [];

  return (
    <div className="space-y-6" data-testid="orders-page">
      <PageHeader title={t('orders.title')} description={t('orders.subtitle')} />
      <FilterBar data-testid="orders-filters">
        <SearchInput value={form.q} onChange={(q) => set({ q })} label={t('orders.search')} data-testid="orders-search" />
        <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
          <StoreFilterFields idPrefix="orders" storeId={form.storeId} platform={form.platform} onChange={set} />
          <EnumSelectField
            id="orders-financial"
            label={t('orders.payment')}
            value={form.financialStatus}
            options={orderFinancialStatuses}
            optionLabel={(status) => t(`orders.financial.${status}`)}
            onChange={(financialStatus) => set({ financialStatus })}
            data-testid="orders-filter-financial"
          />
          <EnumSelectField
            id="orders-fulfillment"
            label={t('orders.fulfillment')}
            value={form.fulfillmentStatus}
            options={fulfillmentChoices}
            optionLabel={(status) => (status === 'cancelled' ? t('orders.cancelled') : t(`orders.fulfillment.${status}`))}
            onChange={(fulfillmentStatus) => set({ fulfillmentStatus })}
            data-testid="orders-filter-fulfillment"
          />
          <Field label={t('filters.from')} htmlFor="orders-from">
            <Input id="orders-from" type="date" value={form.from} onChange={(event) => set({ from: event.target.value })} data-testid="orders-filter-from" />
          </Field>
          <Field label={t('filters.to')} htmlFor="orders-to">
            <Input id="orders-to" type="date" value={form.to} onChange={(event) => set({ to: event.target.value })} data-testid="orders-filter-to" />
          </Field>
        </div>
      </FilterBar>
      <SummaryStrip filters={filters} />

      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <Table data-testid="orders-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t('orders.number')}</TableHead>
                <TableHead>{t('filters.store')}</TableHead>
                <TableHead>{t('orders.placed')}</TableHead>
                <TableHead>{t('orders.status')}</TableHead>
                <TableHead className="text-right">{t('orders.items')}</TableHead>
                <TableHead className="text-right">{t('orders.total')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {orders.map((order) => (
                <TableRow key={order.id} className="cursor-pointer" onClick={() => setOpen(order.id)} data-testid="order-row" data-order-id={order.id}>
                  <TableCell className="font-medium">
                    <button type="button" className="hover:underline" onClick={() => setOpen(order.id)}>
                      {order.number}
                    </button>
                  </TableCell>
                  <TableCell>
                    <div>{order.storeName}</div>
                    <div className="text-muted-foreground text-xs">{channelName(order.platform)}</div>
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(order.placedAt, locale)}</TableCell>
                  <TableCell>
                    <OrderStatusBadges order={order} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{order.lineCount}</TableCell>
                  <TableCell className="text-right font-medium tabular-nums" data-testid="order-row-total">
                    {formatMoney(order.total.amount, order.total.currency, locale)}
                  </TableCell>
                </TableRow>
              ))}
              <ListStateRow
                colSpan={6}
                loading={query.isPending}
                empty={orders.length === 0}
                emptyText={t(Object.keys(filters).length > 0 ? 'orders.emptyFiltered' : 'orders.empty')}
                data-testid="orders-empty"
              />
            </TableBody>
          </Table>
        </div>
      )}
      <LoadMoreButton query={query} data-testid="orders-more" />
      <OrderDrawer orderId={open} onClose={() => setOpen(null)} />
    </div>
  );
}

/** Orders and totals per store and currency for the current filters (cancelled orders add nothing to the totals). */
function SummaryStrip({ filters }: { filters: OrderFilters }) {
  const channelName = useChannelName();
  const t = useT();
  const { locale } = useLocale();
  const summary = useQuery(ordersSummaryQuery(filters));
  if (!summary.data || summary.data.byStore.length === 0) return null;
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="orders-summary">
      {summary.data.byStore.map((entry) => (
        <div
          key={`${entry.storeId}-${entry.currency}`}
          className="rounded-lg border bg-card p-3"
          data-testid="orders-summary-store"
          data-store={entry.storeName}
        >
          <dt className="truncate text-muted-foreground text-xs">
            {entry.storeName} · {channelName(entry.platform)}
          </dt>
          <dd className="font-semibold text-xl tabular-nums">{formatMoney(entry.total.amount, entry.currency, locale)}</dd>
          <dd className="text-muted-foreground text-xs" data-testid="orders-summary-count">
            {t('orders.summaryCount', { count: entry.count })}
          </dd>
        </div>
      ))}
    </dl>
  );
}
