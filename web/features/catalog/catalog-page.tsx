import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listingStatuses } from '../../../src/contracts/connectors.ts';
import { EnumSelectField } from '../../components/enum-select-field.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { FilterBar, SearchInput } from '../../components/filter-bar.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { ListStateRow, LoadMoreButton } from '../../components/list-states.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { useFilterForm } from '../../components/use-filter-form.ts';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { StoreFilterFields } from '../stores/store-filter-fields.tsx';
import { useChannelName } from '../stores/use-channel-name.ts';
import { type CatalogProduct, type ListingStatus, type ProductFilters, productsQuery, totalStock } from './catalog-api.ts';
import { ListingStatusBadge } from './listing-status-badge.tsx';
import { ProductDrawer } from './product-drawer.tsx';

interface FilterForm {
  q: string;
  storeId: string;
  platform: string;
  status: '' | ListingStatus;
}
const emptyForm: FilterForm = { q: '', storeId: '', platform: '', status: '' };

function toFilters(form: FilterForm): ProductFilters {
  const filters: ProductFilters = {};
  if (form.q.trim()) filters.q = form.q.trim();
  if (form.storeId) filters.storeId = form.storeId;
  if (form.platform) filters.platform = form.platform;
  if (form.status) filters.status = form.status;
  return filters;
}

/** Catalog (read-only): products as read from the channels, with their listings per store and channel status. */
export function CatalogPage() {
  const t = useT();
  const { locale } = useLocale();
  const { form, set, filters } = useFilterForm(emptyForm, toFilters);
  const [open, setOpen] = useState<string | null>(null);
  const query = useInfiniteQuery(productsQuery(filters));
  const products = query.data?.pages.flatMap((page) => page.products) ?? [];

  return (
    <div className="space-y-6" data-testid="catalog-page">
      <PageHeader title={t('catalog.title')} description={t('catalog.subtitle')} />
      <FilterBar data-testid="catalog-filters">
        <SearchInput value={form.q} onChange={(q) => set({ q })} label={t('catalog.search')} data-testid="catalog-search" />
        <div className="grid gap-3 sm:grid-cols-3">
          <StoreFilterFields idPrefix="catalog" storeId={form.storeId} platform={form.platform} onChange={set} />
          <EnumSelectField
            id="catalog-status"
            label={t('catalog.listingStatus')}
            value={form.status}
            options={listingStatuses}
            optionLabel={(status) => t(`catalog.listingStatus.${status}`)}
            onChange={(status) => set({ status })}
            data-testid="catalog-filter-status"
          />
        </div>
      </FilterBar>

      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <Table data-testid="catalog-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t('catalog.product')}</TableHead>
                <TableHead>{t('catalog.sku')}</TableHead>
                <TableHead className="text-right">{t('catalog.stock')}</TableHead>
                <TableHead>{t('catalog.listings')}</TableHead>
                <TableHead>{t('catalog.updated')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {products.map((product) => (
                <TableRow
                  key={product.id}
                  className="cursor-pointer"
                  onClick={() => setOpen(product.id)}
                  data-testid="product-row"
                  data-product-id={product.id}
                >
                  <TableCell className="max-w-80">
                    <button type="button" className="block max-w-full truncate text-left font-medium hover:underline" onClick={() => setOpen(product.id)}>
                      {product.title}
                    </button>
                    <div className="text-muted-foreground text-xs">{[product.vendor, product.productType].filter(Boolean).join(' · ')}</div>
                  </TableCell>
                  <TableCell className="whitespace-nowrap font-mono text-xs">
                    <SkuSummary product={product} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{totalStock(product)}</TableCell>
                  <TableCell>
                    <ListingsSummary product={product} />
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground text-xs">{formatDateTime(product.updatedAt, locale)}</TableCell>
                </TableRow>
              ))}
              <ListStateRow
                colSpan={5}
                loading={query.isPending}
                empty={products.length === 0}
                emptyText={t(Object.keys(filters).length > 0 ? 'catalog.emptyFiltered' : 'catalog.empty')}
                data-testid="catalog-empty"
              />
            </TableBody>
          </Table>
        </div>
      )}
      <LoadMoreButton query={query} data-testid="catalog-more" />
      <ProductDrawer productId={open} onClose={() => setOpen(null)} />
    </div>
  );
}

function SkuSummary({ product }: { product: CatalogProduct }) {
  const t = useT();
  const skus = product.variants.map((v) => v.sku).filter((sku): sku is string => Boolean(sku));
  if (skus.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <span title={skus.join('\n')}>
      {skus[0]}
      {skus.length > 1 && <span className="ml-1 font-sans text-muted-foreground">{t('catalog.moreVariants', { count: skus.length - 1 })}</span>}
    </span>
  );
}

/** One line per store: its name and the statuses of the product's listings there. */
function ListingsSummary({ product }: { product: CatalogProduct }) {
  const channelName = useChannelName();
  const t = useT();
  if (product.listings.length === 0) return <span className="text-muted-foreground text-xs">{t('catalog.noListings')}</span>;
  const byStore = Map.groupBy(product.listings, (l) => l.storeId);
  return (
    <ul className="space-y-1" data-testid="product-listings">
      {[...byStore.values()].map((listings) => {
        const first = listings[0];
        if (!first) return null;
        const statuses = [...new Set(listings.map((l) => l.status))];
        return (
          <li
            key={first.storeId}
            className="flex items-center gap-1.5 whitespace-nowrap text-xs"
            data-testid="product-listing-store"
            data-store={first.storeName}
          >
            <span className="font-medium">{first.storeName}</span>
            <span className="text-muted-foreground">{channelName(first.platform)}</span>
            {statuses.map((status) => (
              <ListingStatusBadge key={status} status={status} />
            ))}
          </li>
        );
      })}
    </ul>
  );
}
