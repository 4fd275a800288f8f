import { Badge, type BadgeProps, StatusDot } from '../../components/ui/badge.tsx';
import { useT } from '../../i18n/index.ts';
import type { JobRunStatus } from './jobs-api.ts';

const variant: Record<JobRunStatus, BadgeProps['variant']> = {
  queued: 'secondary',
  running: 'info',
  retrying: 'warning',
  completed: 'success',
  failed: 'danger',
  dead: 'danger',
  cancelled: 'outline',
};

export function JobStatusBadge({ status }: { status: JobRunStatus }) {
  const t = useT();
  return (
    <Badge variant={variant[status]} data-testid="job-status" data-status={status}>
      {(status === 'running' || status === 'retrying') && <StatusDot pulse />}
      {t(`jobs.status.${status}`)}
    </Badge>
  );
}
