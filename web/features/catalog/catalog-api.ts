import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { type CatalogListing, type CatalogProduct, catalogProductSchema, listProductsResponseSchema } from '../../../src/contracts/catalog.ts';
import type { listingStatuses } from '../../../src/contracts/connectors.ts';
import { request } from '../../api/index.ts';

export type { CatalogListing, CatalogProduct };
export type ListingStatus = (typeof listingStatuses)[number];

export const CATALOG_KEY = ['catalog'] as const;
export const CATALOG_PAGE_SIZE = 25;

export interface ProductFilters {
  storeId?: string;
  platform?: string;
  status?: ListingStatus;
  q?: string;
}

export function productSearch(filters: ProductFilters, cursor?: string | null): string {
  const params = new URLSearchParams();
  for (const key of ['storeId', 'platform', 'status', 'q'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(CATALOG_PAGE_SIZE));
  return params.toString();
}

export const productsQuery = (filters: ProductFilters) =>
  infiniteQueryOptions({
    queryKey: [...CATALOG_KEY, 'products', filters],
    queryFn: ({ pageParam, signal }) => request(`/api/catalog/products?${productSearch(filters, pageParam)}`, { schema: listProductsResponseSchema, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

export const productQuery = (id: string) =>
  queryOptions({
    queryKey: [...CATALOG_KEY, 'product', id],
    queryFn: ({ signal }) => request(`/api/catalog/products/${encodeURIComponent(id)}`, { schema: catalogProductSchema, signal }),
  });

/** Units available across every store that reported stock for the product's variants. */
export const totalStock = (product: CatalogProduct) => product.variants.reduce((sum, v) => sum + v.stock.reduce((n, s) => n + s.available, 0), 0);
