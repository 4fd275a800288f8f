import { type AlertRuleKind, alertRuleKinds } from '../../contracts/alerts.ts';

/** What a delivery carries (stored with it, so retries send the same message). */
export interface AlertMessage {
  event: 'alert.opened' | 'alert.resolved' | 'test';
  alertId: string | null;
  kind: AlertRuleKind | null;
  severity: 'warning' | 'critical' | 'info';
  subject: string;
  title: string;
  value: number | null;
  threshold: number | null;
  unit: string | null;
  recommendation: string;
  openedAt: string | null;
  resolvedAt: string | null;
}

const fmt = (v: number | null) => (v === null ? 'n/a' : String(Math.round(v * 100) / 100));

export function alertTitle(kind: AlertRuleKind, subject: string, value: number | null, threshold: number): string {
  const v = fmt(value);
  switch (kind) {
    case 'tasks_awaiting_approval':
      return `Tasks awaiting approval: ${v} (threshold ${threshold})`;
    case 'agent_silent':
      return `Agent ${subject} silent for ${v} h (threshold ${threshold} h)`;
    case 'api_p95':
      return `API p95 latency ${v} s (threshold ${threshold} s)`;
    case 'api_error_rate':
      return `API error rate ${v}% (threshold ${threshold}%)`;
    case 'tasks_pending_stale':
      return `Oldest undecided task waiting ${v} days (threshold ${threshold} days)`;
    case 'job_failure_rate':
      return `High job failure rate detected: ${v}% (threshold ${threshold}%)`;
    case 'breaker_open':
      return `Circuit breaker ${subject} open for ${v} min (threshold ${threshold} min)`;
    case 'dead_letters':
      return `Jobs in the dead-letter queue: ${v}`;
  }
}

export const recommendations: Record<AlertRuleKind, string> = {
  tasks_awaiting_approval: 'Review the approval batches on the Tasks page (approve or reject in bulk), or add approvers.',
  agent_silent: 'Check the agent: its API token (revoked or expired?), its schedule and its connectivity to Nexo.',
  api_p95: 'Check database load and the slowest routes (nexo_http_request_duration_seconds in /metrics).',
  api_error_rate: 'Look up the failing requests in the logs by request id; check the database and upstream channels.',
  tasks_pending_stale: 'Decide the oldest tasks on the Tasks page, or reject those no longer relevant.',
  job_failure_rate: 'Check agent connectivity and the failing job types on the Jobs page.',
  breaker_open: 'The channel keeps failing: check its status page and the store credentials; jobs resume after a successful probe.',
  dead_letters: 'Inspect the dead-letter tab on the Jobs page and replay the jobs once the cause is fixed.',
};

export function messageFor(
  event: 'alert.opened' | 'alert.resolved',
  alert: { id: string; kind: string; subject: string; value: number | null; threshold: number; openedAt: Date; resolvedAt: Date | null },
): AlertMessage {
  const kind = alert.kind as AlertRuleKind;
  const meta = alertRuleKinds[kind];
  const title = alertTitle(kind, alert.subject, alert.value, alert.threshold);
  return {
    event,
    alertId: alert.id,
    kind,
    severity: event === 'alert.resolved' ? 'info' : meta.severity,
    subject: alert.subject,
    title: event === 'alert.resolved' ? `Resolved: ${title}` : title,
    value: alert.value,
    threshold: alert.threshold,
    unit: meta.unit,
    recommendation: recommendations[kind],
    openedAt: alert.openedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}

export const testMessage = (channelName: string): AlertMessage => ({
  event: 'test',
  alertId: null,
  kind: null,
  severity: 'info',
  subject: 'test',
  title: `Test message from Nexo to "${channelName}"`,
  value: null,
  threshold: null,
  unit: null,
  recommendation: 'Nothing to do: this channel works.',
  openedAt: null,
  resolvedAt: null,
});

/** Seed 002 appendix C: a text line plus one attachment with short fields and the recommendation. */
export function slackBody(m: AlertMessage): Record<string, unknown> {
  const icon = m.event === 'alert.resolved' ? ':white_check_mark:' : m.event === 'test' ? ':wave:' : ':rotating_light:';
  const fields: Array<{ title: string; value: string; short?: boolean }> = [];
  if (m.value !== null) fields.push({ title: 'Value', value: `${fmt(m.value)}${m.unit ? ` ${m.unit}` : ''}`, short: true });
  if (m.threshold !== null) fields.push({ title: 'Threshold', value: `${fmt(m.threshold)}${m.unit ? ` ${m.unit}` : ''}`, short: true });
  if (m.subject !== 'org' && m.subject !== 'test') fields.push({ title: 'Subject', value: m.subject, short: true });
  fields.push({ title: 'Recommendation', value: m.recommendation });
  const color = m.event === 'alert.resolved' || m.event === 'test' ? 'good' : m.severity === 'critical' ? 'danger' : 'warning';
  return { text: `${icon} ${m.title}`, attachments: [{ color, fields }] };
}

export function emailBody(m: AlertMessage): { subject: string; text: string } {
  const lines = [m.title, ''];
  if (m.value !== null) lines.push(`Value: ${fmt(m.value)} ${m.unit ?? ''}`.trim());
  if (m.threshold !== null) lines.push(`Threshold: ${fmt(m.threshold)} ${m.unit ?? ''}`.trim());
  if (m.openedAt) lines.push(`Opened: ${m.openedAt}`);
  if (m.resolvedAt) lines.push(`Resolved: ${m.resolvedAt}`);
  lines.push('', `Recommendation: ${m.recommendation}`);
  return { subject: `[Nexo] ${m.title}`.replace(/[\r\n]+/g, ' ').slice(0, 200), text: lines.join('\n') };
}

/** The JSON body of an outbound webhook (Standard Webhooks: `type`, `timestamp`, `data`). */
export const webhookBody = (m: AlertMessage, at: Date) => ({ type: m.event, timestamp: at.toISOString(), data: m });
