import { Injectable } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { VigiaConfig } from '#lib/config';
import { MailCatcher } from './mail-catcher.js';

export interface OutgoingMail {
  /** The tenant the mail is sent for: its transport choice applies (mail catcher or SMTP). Unset: SMTP. */
  tenantId?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** Files sent with the message; `cid` makes one an inline part the HTML shows as `<img src="cid:…">`. */
  attachments?: { filename: string; content: Buffer; contentType: string; cid?: string }[];
}

/**
 * Outgoing e-mail behind one provider. What is injected as `Mailer` is `TransportMailer`: per tenant, SMTP
 * (`SmtpMailer`: nodemailer, VIGIA_SMTP_URL, STARTTLS/TLS and auth from the URL) or the mail catcher.
 */
export abstract class Mailer {
  abstract send(mail: OutgoingMail): Promise<{ messageId: string; response: string }>;
}

@Injectable()
export class SmtpMailer extends Mailer {
  private transport?: Transporter;

  constructor(private readonly config: VigiaConfig) {
    super();
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    if (!this.config.smtp.url) throw new Error('e-mail is not configured: set VIGIA_SMTP_URL');
    this.transport ??= nodemailer.createTransport(transportOptions(this.config.smtp.url, this.config.smtp.tlsVerify));
    const info = await this.transport.sendMail({ from: this.config.smtp.from, ...mail });
    return { messageId: String(info.messageId ?? ''), response: String(info.response ?? '') };
  }
}

/** Picks the tenant's transport for each message: the mail catcher stores it, SMTP sends it. */
@Injectable()
export class TransportMailer extends Mailer {
  constructor(
    private readonly smtp: SmtpMailer,
    private readonly catcher: MailCatcher,
  ) {
    super();
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    const { tenantId, ...message } = mail;
    if (tenantId && (await this.catcher.transportOf(tenantId)) === 'catcher') {
      const id = await this.catcher.catch(tenantId, message);
      return { messageId: `<${id}@mail-catcher.vigia>`, response: 'caught by the mail catcher (not sent)' };
    }
    return this.smtp.send(message);
  }
}

/** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (implicit TLS). */
function transportOptions(url: string, tlsVerify: boolean) {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: Number(parsed.port) || (secure ? 465 : 587),
    secure,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
    tls: { rejectUnauthorized: tlsVerify, servername: parsed.hostname },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
}
