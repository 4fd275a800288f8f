/** Alerts and notifications: the in-app inbox, alert rules and alerts, notification channels and their deliveries. */
export { listAlertRules, updateAlertRule } from './alert-rules.service.ts';
export { acknowledgeAlert, activeAlertsOf, type EvaluationSummary, evaluateAllOrgs, evaluateOrgAlerts, listAlerts, openAlertCounts } from './alerts.service.ts';
export type { NotifyDeps } from './channel-senders.ts';
export { createChannel, deleteChannel, getChannel, listChannels, testChannel, updateChannel } from './channels.service.ts';
export { attemptDelivery, type DeliveryEnqueuer, listDeliveries } from './deliveries.service.ts';
export { httpSignalProviders, quantileFromBuckets } from './http-signals.ts';
export { listNotifications, markNotificationsRead, type NotificationDraft, notifyUsers } from './notifications.service.ts';
export {
  orgReading,
  type SignalInput,
  type SignalProvider,
  type SignalProviders,
  type SignalReading,
  type SignalResult,
  type TaskSignalSource,
  taskSignalProviders,
} from './signals.ts';
