import type { StuckPatternView } from '../../../src/contracts/health.ts';
import { formatDuration, type Translate, useT } from '../../i18n/index.ts';

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
const str = (v: unknown) => (typeof v === 'string' ? v : String(v ?? ''));
const ageOf = (iso: unknown) => (Date.now() - Date.parse(str(iso))) / 1000;

/** The pattern's headline in the viewer's language. */
export function patternTitle(p: StuckPatternView, t: Translate): string {
  return `${t(`health.type.${p.type}`)} · ${p.type === 'task_approval_overdue' ? t('health.subject.tasks', { count: num(p.details.count) }) : p.subject}`;
}

/** The recommendation in the viewer's language, from the pattern's details (the server's English text is the API's). */
export function PatternRecommendation({ pattern: p }: { pattern: StuckPatternView }) {
  const t = useT();
  const d = p.details;
  let text: string;
  switch (p.type) {
    case 'task_approval_overdue':
      text = t('health.rec.task_approval_overdue', { count: num(d.count), age: formatDuration(ageOf(d.oldest_submitted_at), t) });
      break;
    case 'agent_silent':
      text = t('health.rec.agent_silent', { agent: str(d.agent_id), age: formatDuration(ageOf(d.last_task_at), t) });
      break;
    case 'queue_backlog':
      text = t('health.rec.queue_backlog', { queue: str(d.queue), depth: num(d.depth), age: formatDuration(num(d.oldest_age_seconds), t) });
      break;
    case 'job_lease_expired':
      text = t(num(d.retries_left) > 0 ? 'health.rec.job_lease_expired' : 'health.rec.job_lease_expired_last', {
        queue: str(d.queue),
        lease: num(d.lease_seconds),
      });
      break;
    default:
      text = p.recommendation;
  }
  return (
    <p className="text-sm" data-testid="pattern-recommendation">
      <span className="font-medium">{t('health.patterns.recommendation')}</span> {text}
    </p>
  );
}
