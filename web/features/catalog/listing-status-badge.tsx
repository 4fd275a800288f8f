import { Badge, type BadgeProps } from '../../components/ui/badge.tsx';
import { useT } from '../../i18n/index.ts';
import type { ListingStatus } from './catalog-api.ts';

const variant: Record<ListingStatus, BadgeProps['variant']> = { active: 'success', inactive: 'secondary', draft: 'warning', deleted: 'danger' };

export function ListingStatusBadge({ status }: { status: ListingStatus }) {
  const t = useT();
  return (
    <Badge variant={variant[status]} data-testid="listing-status" data-status={status}>
      {t(`catalog.listingStatus.${status}`)}
    </Badge>
  );
}
