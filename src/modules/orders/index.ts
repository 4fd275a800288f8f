/** Unified orders as read from the channels (deduplicated by store and channel order id). */
export { countOrders, upsertChannelOrders } from './orders-sync.service.ts';
