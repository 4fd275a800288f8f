import { Badge, type BadgeProps } from '../../components/ui/badge.tsx';
import { useT } from '../../i18n/index.ts';
import type { FinancialStatus, FulfillmentStatus, OrderView } from './orders-api.ts';

const financial: Record<FinancialStatus, BadgeProps['variant']> = {
  pending: 'warning',
  paid: 'success',
  partially_refunded: 'info',
  refunded: 'secondary',
  voided: 'secondary',
  other: 'outline',
};
const fulfillment: Record<FulfillmentStatus, BadgeProps['variant']> = { unfulfilled: 'warning', partial: 'info', fulfilled: 'success', other: 'outline' };

/** Payment and fulfillment as read from the channel; a cancelled order says so instead of its fulfillment. */
export function OrderStatusBadges({ order }: { order: Pick<OrderView, 'financialStatus' | 'fulfillmentStatus' | 'cancelled'> }) {
  const t = useT();
  return (
    <div className="flex flex-wrap gap-1" data-testid="order-status">
      <Badge variant={financial[order.financialStatus]} data-testid="order-financial" data-status={order.financialStatus}>
        {t(`orders.financial.${order.financialStatus}`)}
      </Badge>
      {order.cancelled ? (
        <Badge variant="danger" data-testid="order-cancelled">
          {t('orders.cancelled')}
        </Badge>
      ) : (
        <Badge variant={fulfillment[order.fulfillmentStatus]} data-testid="order-fulfillment" data-status={order.fulfillmentStatus}>
          {t(`orders.fulfillment.${order.fulfillmentStatus}`)}
        </Badge>
      )}
    </div>
  );
}
