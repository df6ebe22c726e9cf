import { escapeHtml as esc } from '#lib/common';
import type { Mailer } from '#lib/mail';
import type { AlertChannel } from '../alert-channel.entity.js';
import type { AlertMessage, ChannelAdapter, DeliveryOutcome } from './channel.js';


/** E-mail through the configured SMTP server (nodemailer), HTML and text; the subject says what and since when. */
export class EmailChannel implements ChannelAdapter {
  constructor(private readonly mailer: Mailer) {}

  async deliver(channel: AlertChannel, _secret: string | null, message: AlertMessage): Promise<DeliveryOutcome> {
    const to = (channel.config.to as string[]).join(', ');
    const prefix = { resolve: 'RESOLVED', acknowledge: 'ACK', test: 'TEST', runbook: 'RUNBOOK', trigger: message.severity.toUpperCase() }[message.kind];
    const lines = Object.entries(message.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    try {
      const info = await this.mailer.send({
        to,
        subject: `[${prefix}] ${message.summary}`,
        text: `${message.summary}\nsince ${message.since}\n\n${lines.join('\n')}${message.link ? `\n\n${message.link}` : ''}${message.ackLink ? `\nAcknowledge: ${message.ackLink}` : ''}\n`,
        html: `<p><b>${esc(message.summary)}</b><br>since ${esc(message.since)}</p><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${message.link ? `<p><a href="${esc(message.link)}">Open in Vigia</a></p>` : ''}${message.ackLink ? `<p><a href="${esc(message.ackLink)}">Acknowledge</a></p>` : ''}`,
        headers: { 'X-Vigia-Dedup-Key': message.dedupKey },
      });
      return { ok: true, response: info.response };
    } catch (error) {
      return { ok: false, response: error instanceof Error ? error.message : String(error) };
    }
  }
}
