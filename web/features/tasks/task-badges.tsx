import { Badge, type BadgeProps } from '../../components/ui/badge.tsx';
import { useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { marketplaceName, type TaskPriority, type TaskStatusValue } from './tasks-api.ts';

const statusVariant: Record<TaskStatusValue, BadgeProps['variant']> = {
  pending: 'secondary',
  awaiting_approval: 'warning',
  approved: 'info',
  in_progress: 'info',
  completed: 'success',
  rejected: 'danger',
};

export function StatusBadge({ status }: { status: TaskStatusValue }) {
  const t = useT();
  return (
    <Badge variant={statusVariant[status]} data-testid="task-status" data-status={status}>
      {t(`tasks.status.${status}`)}
    </Badge>
  );
}

const priorityClass: Record<TaskPriority, string> = {
  high: 'border-danger/25 bg-danger/10 text-danger',
  medium: 'border-warning/30 bg-warning/10 text-warning',
  low: 'text-muted-foreground',
};

export function PriorityBadge({ priority }: { priority: TaskPriority }) {
  const t = useT();
  return (
    <Badge variant="outline" className={priorityClass[priority]} data-testid="task-priority" data-priority={priority}>
      {t(`tasks.priority.${priority}`)}
    </Badge>
  );
}

/** A marketplace's colour: a small square before its name, the same everywhere (tables, charts, groups). */
export const marketplaceColors: Record<string, string> = {
  amazon: '#ff9900',
  shopee: '#ee4d2d',
  mercadolivre: '#e6c300',
  shein: '#6b7280',
  tiktokshop: '#25c2d9',
  kaway: '#8b5cf6',
};

export function MarketplaceLabel({ marketplace, className }: { marketplace: string; className?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-1.5 whitespace-nowrap', className)} data-marketplace={marketplace}>
      <span className="size-2.5 shrink-0 rounded-[3px]" style={{ backgroundColor: marketplaceColors[marketplace] ?? 'currentColor' }} aria-hidden="true" />
      {marketplaceName(marketplace)}
    </span>
  );
}
