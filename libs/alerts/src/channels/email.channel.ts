import { z } from 'zod';
import { escapeHtml as esc } from '#lib/common';
import type { Mailer } from '#lib/mail';
import type { AlertChannel } from '../alert-channel.entity.js';
import type { AlertMessage, ChannelAdapter, DeliveryOutcome } from './channel.js';
import { defineChannel } from './channel-kind.js';
import { humanDetails } from './human-details.js';
import { forPeople } from './human-time.js';


/** E-mail through the configured SMTP server (nodemailer), HTML and text; the subject says what, the body since when (the tenant's zone). */
export class EmailChannel implements ChannelAdapter {
  constructor(private readonly mailer: Mailer) {}

  async deliver(channel: AlertChannel, _secret: string | null, written: AlertMessage): Promise<DeliveryOutcome> {
    const message = forPeople(written);
    const to = (channel.config.to as string[]).join(', ');
    const prefix = { resolve: 'RESOLVED', acknowledge: 'ACK', test: 'TEST', runbook: 'ATTENTION', trigger: message.severity.toUpperCase() }[message.kind];
    const lines = humanDetails(message.details);
    try {
      const info = await this.mailer.send({
        tenantId: channel.tenantId,
        to,
        subject: `[${prefix}] ${subjectLine(message.summary)}`,
        text: `${message.summary}\nsince ${message.since}\n\n${lines.join('\n')}${message.link ? `\n\nOpen in Vigia: ${message.link}` : ''}${message.ackLink ? `\nAcknowledge: ${message.ackLink}` : ''}\n`,
        html: `<p><b>${esc(message.summary)}</b><br>since ${esc(message.since)}</p><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${message.link ? `<p><a href="${esc(message.link)}">Open in Vigia</a></p>` : ''}${message.ackLink ? `<p><a href="${esc(message.ackLink)}">Acknowledge</a></p>` : ''}`,
        headers: { 'X-Vigia-Dedup-Key': message.dedupKey },
      });
      return { ok: true, response: info.response };
    } catch (error) {
      return { ok: false, response: error instanceof Error ? error.message : String(error) };
    }
  }
}

/**
 * A subject a mail client shows whole: at most 120 characters, cut at a word with "…" (the body says it all). A vantage's
 * blind-monitors attention made a 300-character subject.
 */
export function subjectLine(summary: string, max = 120): string {
  const line = summary.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:—-]+$/, '')}…`;
}

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const RECIPIENTS = 'must list 1 to 50 e-mail addresses';

export const emailChannelKind = defineChannel({
  type: 'email',
  description: 'E-mail through the configured SMTP server',
  configHint: 'email: {to: [..]}',
  config: {
    // At most 254 characters (RFC 5321) before the pattern: it backtracks quadratically on a long string without '@'.
    to: z.array(z.string({ error: 'must be an e-mail address' }).max(254, { error: 'must be an e-mail address' }).regex(EMAIL, { error: 'must be an e-mail address' }), { error: RECIPIENTS }).min(1, { error: RECIPIENTS }).max(50, { error: RECIPIENTS }),
  },
  // No recipients is the same mistake as an empty list: one wording for both.
  missing: () => RECIPIENTS,
  pages: false,
  hearsAcknowledgements: false,
  createAdapter: ({ mailer }) => new EmailChannel(mailer),
});
