import { describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMail } from '#lib/mail';
import type { AlertChannel } from '../alert-channel.entity.js';
import type { AlertMessage } from './channel.js';
import { EmailChannel, subjectLine } from './email.channel.js';

describe('e-mail alerts: a subject a mail client shows whole, in the reader’s zone', () => {
  it('cuts a long summary at a word, at most 120 characters, and leaves a short one as it is', () => {
    expect(subjectLine('web1 · www: down')).toBe('web1 · www: down');
    const long = subjectLine(`3 monitor(s) of 1 tenant(s) are seen down by every vantage left, and cannot be confirmed without office, impaired since 2026-12-04 10:49:50 +01:00 Europe/Madrid: check them by hand`);
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long).toMatch(/^3 monitor\(s\) of 1 tenant\(s\) are seen down by every vantage left, and cannot be confirmed without office, impaired…$/);
  });

  it('an attention: short subject, its instants in the tenant’s zone, the whole text and the acknowledgement link in the body', async () => {
    const sent: OutgoingMail[] = [];
    const mailer = { send: async (mail: OutgoingMail) => (sent.push(mail), { messageId: 'x', response: '250 ok' }) } as unknown as Mailer;
    const summary = 'vantage office: 3 monitor(s) of 1 tenant(s) are seen down by every vantage left and cannot be confirmed without office (impaired since 2026-12-04T09:49:50.962Z): check them by hand: web-a http, web-b http';
    const message: AlertMessage = {
      kind: 'runbook', dedupKey: 'k', summary, severity: 'critical', source: 'vigia', since: '2026-12-04T09:49:50.962Z', details: {}, timeZone: 'Europe/Madrid',
      ackLink: 'https://vigia.example.com/alerts/ack/i?t=x',
    };
    await new EmailChannel(mailer).deliver({ tenantId: 't', config: { to: ['oncall@example.com'] } } as unknown as AlertChannel, null, message);
    expect(sent[0]!.subject.length).toBeLessThanOrEqual(132);
    expect(sent[0]!.subject).toMatch(/^\[ATTENTION\] vantage office: 3 monitor\(s\) .*…$/);
    expect(sent[0]!.text).toContain('(impaired since 2026-12-04 10:49:50 +01:00 Europe/Madrid): check them by hand: web-a http, web-b http');
    expect(sent[0]!.text).toContain('Acknowledge: https://vigia.example.com/alerts/ack/i?t=x');
  });
});
