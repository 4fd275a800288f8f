import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { DetailSection, FactList } from '../../components/fact-list.tsx';
import { Sheet } from '../../components/ui/sheet.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, formatMoney, useLocale, useT } from '../../i18n/index.ts';
import { useChannelName } from '../stores/use-channel-name.ts';
import { OrderStatusBadges } from './order-badges.tsx';
import { orderQuery } from './orders-api.ts';

/** One order: where and when it was placed, its statuses, its lines and totals. */
export function OrderDrawer({ orderId, onClose }: { orderId: string | null; onClose: () => void }) {
  const channelName = useChannelName();
  const t = useT();
  const { locale } = useLocale();
  const detail = useQuery({ ...orderQuery(orderId ?? ''), enabled: orderId !== null });
  const order = detail.data;
  const money = (m: { amount: number; currency: string }) => formatMoney(m.amount, m.currency, locale);
  return (
    <Sheet
      open={orderId !== null}
      onClose={onClose}
      title={order ? t('orders.orderTitle', { number: order.number }) : t('common.loading')}
      description={order && <OrderStatusBadges order={order} />}
      closeLabel={t('common.close')}
      data-testid="order-drawer"
    >
      {detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !order ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : (
        <div className="space-y-6">
          <FactList
            facts={[
              [t('filters.store'), `${order.storeName} (${channelName(order.platform)})`],
              [t('orders.placed'), formatDateTime(order.placedAt, locale)],
              [
                t('orders.channelOrderId'),
                <span key="channel-id" className="break-all font-mono text-xs">
                  {order.channelOrderId}
                </span>,
              ],
              [t('orders.email'), order.email ?? '—'],
              [t('orders.updated'), formatDateTime(order.updatedAt, locale)],
              [t('orders.synced'), formatDateTime(order.syncedAt, locale)],
            ]}
          />
          <DetailSection title={t('orders.lines')} data-testid="order-lines">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('orders.item')}</TableHead>
                  <TableHead className="text-right">{t('orders.quantity')}</TableHead>
                  <TableHead className="text-right">{t('orders.unitPrice')}</TableHead>
                  <TableHead className="text-right">{t('orders.total')}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {order.lines.map((line) => (
                  <TableRow key={line.id} data-testid="order-line">
                    <TableCell>
                      <div className="line-clamp-2" title={line.title}>
                        {line.title}
                      </div>
                      <div className="font-mono text-muted-foreground text-xs">{line.sku || '—'}</div>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{line.quantity}</TableCell>
                    <TableCell className="text-right tabular-nums">{money(line.unitPrice)}</TableCell>
                    <TableCell className="text-right tabular-nums">{money(line.total)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <dl className="ml-auto grid w-fit grid-cols-[auto_auto] gap-x-6 gap-y-1 pt-2 text-sm">
              <dt className="text-muted-foreground">{t('orders.subtotal')}</dt>
              <dd className="text-right tabular-nums">{money(order.subtotal)}</dd>
              <dt className="font-medium">{t('orders.total')}</dt>
              <dd className="text-right font-semibold tabular-nums" data-testid="order-total">
                {money(order.total)}
              </dd>
            </dl>
          </DetailSection>
        </div>
      )}
    </Sheet>
  );
}
