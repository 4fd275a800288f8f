import type { ReactNode } from 'react';
import { useT } from '../i18n/index.ts';
import { Button } from './ui/button.tsx';
import { TableCell, TableRow } from './ui/table.tsx';

/** The table row that says "nothing here" (when loaded and empty) or "loading" (while the first page is on its way). */
export function ListStateRow({
  colSpan,
  empty,
  loading,
  emptyText,
  'data-testid': testId,
}: {
  colSpan: number;
  empty: boolean;
  loading: boolean;
  emptyText: ReactNode;
  'data-testid'?: string;
}) {
  const t = useT();
  if (loading)
    return (
      <TableRow>
        <TableCell colSpan={colSpan} className="py-10 text-center text-muted-foreground">
          {t('common.loading')}
        </TableCell>
      </TableRow>
    );
  if (!empty) return null;
  return (
    <TableRow>
      <TableCell colSpan={colSpan} className="py-10 text-center text-muted-foreground" data-testid={testId}>
        {emptyText}
      </TableCell>
    </TableRow>
  );
}

interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** "Load more" under a keyset-paged list; hidden when there is no next page. */
export function LoadMoreButton({ query, label, 'data-testid': testId }: { query: PagedQuery; label?: string; 'data-testid'?: string }) {
  const t = useT();
  if (!query.hasNextPage) return null;
  return (
    <Button variant="outline" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage} data-testid={testId}>
      {label ?? t('common.loadMore')}
    </Button>
  );
}
