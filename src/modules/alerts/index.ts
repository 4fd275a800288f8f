/** Alerts and notifications: the in-app inbox now; alert rules and delivery channels later. */
export { listNotifications, markNotificationsRead, type NotificationDraft, notifyUsers } from './notifications.service.ts';
