/** Unified orders as read from the channels (deduplicated by store and channel order id). */
export { getOrder, listOrders, ordersSummary } from './orders-read.service.ts';
export { countOrders, upsertChannelOrders } from './orders-sync.service.ts';
export { type SkuSales, type StoreOrderStats, skuSales, storeOrderStats } from './sales-facts.service.ts';
