import type { NotificationDelivery } from '../../contracts/alerts.ts';
import type { notificationDeliveries } from './alerts.tables.ts';

export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export const toDelivery = (row: DeliveryRow): NotificationDelivery => ({
  id: row.id,
  channelId: row.channelId,
  alertId: row.alertId,
  event: row.event as NotificationDelivery['event'],
  status: row.status as NotificationDelivery['status'],
  attempts: row.attempts,
  responseCode: row.responseCode,
  error: row.error,
  createdAt: row.createdAt.toISOString(),
  lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
});
