import { Injectable } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { isIP } from 'node:net';
import { VigiaConfig } from '#lib/config';
import { EgressPolicy } from '#lib/egress';
import { MailCatcher } from './mail-catcher.js';
import { TenantMailSettings } from './tenant-mail-settings.js';

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
 * Outgoing e-mail behind one provider. What is injected as `Mailer` is `TransportMailer`: per tenant, the platform's
 * relay (`SmtpMailer`: nodemailer, VIGIA_SMTP_URL, STARTTLS/TLS and auth from the URL), the tenant's own relay
 * (`RelayMailer`), or the mail catcher.
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

  async send(mail: Omit<OutgoingMail, 'tenantId'> & { fromName?: string; replyTo?: string }): Promise<{ messageId: string; response: string }> {
    if (!this.config.smtp.url) throw new Error('the platform has no mail relay (VIGIA_SMTP_URL is not set): set your own SMTP relay in Settings → E-mail, or ask the platform’s operator');
    this.transport ??= nodemailer.createTransport(transportOptions(this.config.smtp.url, this.config.smtp.tlsVerify));
    const { fromName, ...message } = mail;
    const info = await this.transport.sendMail({ ...message, from: fromName ? { name: fromName, address: addressOf(this.config.smtp.from) } : this.config.smtp.from });
    return { messageId: String(info.messageId ?? ''), response: String(info.response ?? '') };
  }
}

/** The tenant's own relay: judged by the egress policy at each connection, the password opened only here. */
@Injectable()
export class RelayMailer {
  constructor(
    private readonly settings: TenantMailSettings,
    private readonly egress: EgressPolicy,
    private readonly config: VigiaConfig,
  ) {}

  async send(tenantId: string, mail: Omit<OutgoingMail, 'tenantId'> & { from?: { name: string; address: string }; replyTo?: string }): Promise<{ messageId: string; response: string }> {
    const relay = await this.settings.relayConnection(tenantId);
    if (!relay) throw new Error('your own SMTP relay is chosen but not set: set its host and port, or choose the platform relay');
    const where = `relay ${relay.host}:${relay.port}`;
    // Connect to the very address the policy judged (no second lookup a rebinding DNS answer could change).
    const target = await this.egress.guard({ tenantId, vantage: 'platform' }).resolve(relay.host, relay.port).catch((error: unknown) => {
      throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    const transport = nodemailer.createTransport({
      host: target.address,
      port: relay.port,
      secure: relay.security === 'tls',
      requireTLS: relay.security === 'starttls',
      ignoreTLS: relay.security === 'none',
      auth: relay.username ? { user: relay.username, pass: relay.password ?? '' } : undefined,
      tls: { rejectUnauthorized: relay.tlsVerify, servername: isIP(relay.host) ? undefined : relay.host },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    try {
      const info = await transport.sendMail({ ...mail, from: mail.from ?? this.config.smtp.from });
      return { messageId: String(info.messageId ?? ''), response: String(info.response ?? '') };
    } catch (error) {
      throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      transport.close();
    }
  }
}

/**
 * Picks the tenant's transport for each message: the mail catcher stores it, the tenant's own relay or the platform's
 * sends it. The tenant's sender applies on both relays: on its own relay its From address; on the platform's, its
 * name over the platform's address, its address as Reply-To (a platform relay that sent as any tenant's domain would
 * fail their SPF/DMARC and let one tenant write as another).
 */
@Injectable()
export class TransportMailer extends Mailer {
  constructor(
    private readonly smtp: SmtpMailer,
    private readonly catcher: MailCatcher,
    private readonly settings: TenantMailSettings,
    private readonly relay: RelayMailer,
  ) {
    super();
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    const { tenantId, ...message } = mail;
    if (!tenantId) return this.smtp.send(message);
    const settings = await this.settings.get(tenantId);
    if (settings.transport === 'catcher') {
      const id = await this.catcher.catch(tenantId, message);
      return { messageId: `<${id}@mail-catcher.vigia>`, response: 'caught by the mail catcher (not sent)' };
    }
    const replyTo = settings.replyTo ?? settings.fromAddress ?? undefined;
    if (settings.transport === 'relay') {
      const from = settings.fromAddress ? { name: settings.fromName ?? '', address: settings.fromAddress } : undefined;
      return this.relay.send(tenantId, { ...message, from, replyTo });
    }
    const name = settings.fromName ?? settings.fromAddress;
    return this.smtp.send({ ...message, replyTo, fromName: name ?? undefined });
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

/** The bare address of a From setting (`Vigia <alerts@example.com>` → `alerts@example.com`). */
function addressOf(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}
