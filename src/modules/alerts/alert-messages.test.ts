import { describe, expect, it } from 'vitest';
import { emailBody, messageFor, slackBody, webhookBody } from './alert-messages.ts';

const alert = {
  id: '0190d1c8-0000-7000-8000-000000000001',
  kind: 'job_failure_rate',
  subject: 'org',
  value: 12.5,
  threshold: 5,
  openedAt: new Date('2026-11-26T10:00:00Z'),
  resolvedAt: null,
};

describe('alert messages', () => {
  it('Slack: seed 002 appendix C shape (text, one coloured attachment with short fields and the recommendation)', () => {
    const body = slackBody(messageFor('alert.opened', alert));
    expect(body).toEqual({
      text: ':rotating_light: High job failure rate detected: 12.5% (threshold 5%)',
      attachments: [
        {
          color: 'danger',
          fields: [
            { title: 'Value', value: '12.5 percent', short: true },
            { title: 'Threshold', value: '5 percent', short: true },
            { title: 'Recommendation', value: 'Check agent connectivity and the failing job types on the Jobs page.' },
          ],
        },
      ],
    });
    const resolved = slackBody(messageFor('alert.resolved', { ...alert, resolvedAt: new Date('2026-11-26T10:05:00Z') }));
    expect(resolved).toMatchObject({ text: expect.stringMatching(/^:white_check_mark: Resolved: /), attachments: [{ color: 'good' }] });
  });

  it('e-mail: one-line subject and a plain-text body; webhook: type, timestamp, data', () => {
    const m = messageFor('alert.opened', { ...alert, kind: 'agent_silent', subject: 'marketplace-amazon\r\nBcc: x@evil.test', value: 30, threshold: 24 });
    const mail = emailBody(m);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject.startsWith('[Nexo] Agent marketplace-amazon')).toBe(true);
    expect(mail.text).toContain('Threshold: 24 hours');
    const at = new Date('2026-11-26T10:00:00Z');
    expect(webhookBody(m, at)).toEqual({ type: 'alert.opened', timestamp: at.toISOString(), data: m });
  });
});
