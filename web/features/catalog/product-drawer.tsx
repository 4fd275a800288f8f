import { useQuery } from '@tanstack/react-query';
import { ExternalLink } from 'lucide-react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { DetailSection, FactList } from '../../components/fact-list.tsx';
import { Sheet } from '../../components/ui/sheet.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, formatMoney, useLocale, useT } from '../../i18n/index.ts';
import { useChannelName } from '../stores/use-channel-name.ts';
import { type CatalogProduct, productQuery } from './catalog-api.ts';
import { ListingStatusBadge } from './listing-status-badge.tsx';

/** One product: its facts, its variants with stock per store, and every listing on every store. */
export function ProductDrawer({ productId, onClose }: { productId: string | null; onClose: () => void }) {
  const t = useT();
  const detail = useQuery({ ...productQuery(productId ?? ''), enabled: productId !== null });
  return (
    <Sheet
      open={productId !== null}
      onClose={onClose}
      title={detail.data?.title ?? t('common.loading')}
      description={detail.data && [detail.data.vendor, detail.data.productType].filter(Boolean).join(' · ')}
      closeLabel={t('common.close')}
      data-testid="product-drawer"
    >
      {detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !detail.data ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : (
        <ProductDetails product={detail.data} />
      )}
    </Sheet>
  );
}

function ProductDetails({ product }: { product: CatalogProduct }) {
  const channelName = useChannelName();
  const t = useT();
  const { locale } = useLocale();
  const storeName = new Map(product.listings.map((l) => [l.storeId, l.storeName]));
  const skuOf = new Map(product.variants.map((v) => [v.id, v.sku]));
  return (
    <div className="space-y-6">
      <FactList
        facts={[
          [t('catalog.productStatus'), t(`catalog.productStatus.${product.status}`)],
          [t('catalog.variants'), String(product.variants.length)],
          [t('catalog.media'), t('catalog.mediaCount', { images: product.imageCount, videos: product.videoCount })],
          [t('catalog.updated'), formatDateTime(product.updatedAt, locale)],
          [t('catalog.tags'), product.tags.length > 0 ? product.tags.join(', ') : '—'],
        ]}
      />
      <DetailSection title={t('catalog.variants')} data-testid="product-variants">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t('catalog.sku')}</TableHead>
              <TableHead>{t('catalog.variant')}</TableHead>
              <TableHead className="text-right">{t('catalog.price')}</TableHead>
              <TableHead>{t('catalog.stockPerStore')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {product.variants.map((variant) => (
              <TableRow key={variant.id} data-testid="variant-row">
                <TableCell className="font-mono text-xs">{variant.sku ?? '—'}</TableCell>
                <TableCell>{variant.title}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(variant.price.amount, variant.price.currency, locale)}</TableCell>
                <TableCell className="text-xs">
                  {variant.stock.length === 0
                    ? '—'
                    : variant.stock.map((level) => (
                        <div key={level.storeId} data-testid="variant-stock">
                          {storeName.get(level.storeId) ?? level.storeId}: <span className="font-medium tabular-nums">{level.available}</span>
                        </div>
                      ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DetailSection>
      <DetailSection title={t('catalog.listings')} data-testid="product-listing-details">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t('filters.store')}</TableHead>
              <TableHead>{t('catalog.sku')}</TableHead>
              <TableHead>{t('catalog.listingStatus')}</TableHead>
              <TableHead className="text-right">{t('catalog.price')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {product.listings.map((listing) => (
              <TableRow key={listing.id} data-testid="listing-row">
                <TableCell className="whitespace-nowrap">
                  <div className="font-medium">{listing.storeName}</div>
                  <div className="text-muted-foreground text-xs">{channelName(listing.platform)}</div>
                </TableCell>
                <TableCell className="max-w-48 text-xs">
                  <div className="font-mono">{skuOf.get(listing.variantId) ?? '—'}</div>
                  <div className="truncate text-muted-foreground" title={`${t('catalog.channelId')}: ${listing.channelVariantId}`}>
                    {listing.channelVariantId}
                  </div>
                  {listing.url && (
                    <a href={listing.url} target="_blank" rel="noreferrer noopener" className="inline-flex items-center gap-1 text-info hover:underline">
                      {t('catalog.openOnChannel')}
                      <ExternalLink className="size-3" aria-hidden="true" />
                    </a>
                  )}
                </TableCell>
                <TableCell>
                  <ListingStatusBadge status={listing.status} />
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(listing.price.amount, listing.price.currency, locale)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DetailSection>
    </div>
  );
}
