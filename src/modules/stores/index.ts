/**
 * Stores (connected channel accounts) and the resilience around every call to a channel: a circuit breaker
 * per store × operation and a token bucket per store, both shared by every worker process through the database.
 */
export type { BreakerPolicy, BreakerRow, BreakerStateName } from './breaker-state.ts';
export { bucketFor, type ChannelLimits, channelLimits, publishedLimits } from './channel-limits.ts';
export { parseRetryAfter, type ResponseSignals, signalsFrom } from './channel-signals.ts';
export { allBreakerStates, type BreakerView, listBreakers } from './circuit-breaker.service.ts';
export { allBucketTokens, type BucketView, storeLimits } from './rate-limiter.service.ts';
export {
  connectStore,
  getStoreView,
  listStoreViews,
  type StoreSecretsDeps,
  toStoreView,
  transitionStore,
  updateStore,
} from './store-admin.service.ts';
export { type ConnectionTestResult, clientForStore, type StoreCallDeps, storeClients, testStoreConnection } from './store-connection.service.ts';
export { exportStoreStockFeed, importStoreFeed } from './store-feeds.service.ts';
export {
  type CallIo,
  countsAsFailure,
  createStoreLimits,
  type LimitedCtx,
  type StoreCall,
  type StoreLimits,
  type StoreLimitsOptions,
} from './store-limits.service.ts';
export { completeOAuthInstall, type OAuthDeps, startOAuthInstall } from './store-oauth.service.ts';
export { runStoreSync, SYNC_PAGE_SIZE, type SyncOutcome, storesDueForSync } from './store-sync.service.ts';
export { type EnqueueStoreSync, requestStoreSync } from './store-sync-request.service.ts';
export { type CreateStoreInput, createStore, getStore, listStores, type Store } from './stores.service.ts';
export { type Lane, lanes, type RateLimitState } from './token-bucket.ts';
export { subscribeStoreWebhooks, type WebhookSubscription } from './webhook-subscriptions.service.ts';
export {
  type AppNotificationOutcome,
  listWebhookEvents,
  processWebhookEvent,
  pruneWebhookEvents,
  receiveAppNotification,
  receiveWebhook,
  recoverLostWebhooks,
  type WebhookEventView,
  type WebhookReceiveDeps,
} from './webhooks.service.ts';
