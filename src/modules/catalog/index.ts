/** The master catalog: products, variants (SKU), listings per store and stock levels per store, as read from the channels. */
export { getProduct, listProducts } from './catalog-read.service.ts';
export { catalogCounts, type SyncScope, upsertChannelProducts } from './catalog-sync.service.ts';
export { type ListingFact, listingFacts, listingPriceMedians, type PriceMedian } from './listing-facts.service.ts';
export { applyStoreStockLevels, storeStockLevels } from './store-stock.service.ts';
