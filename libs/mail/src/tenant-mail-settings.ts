import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { address, checkSettings, flag, oneOf, port, text, type AddressJudge } from '#lib/common';
import { SecretBox } from '#lib/secrets';

/**
 * How a tenant's e-mail leaves Vigia: the platform's relay (VIGIA_SMTP_URL, the default), the tenant's own SMTP
 * relay, or the built-in mail catcher (stored, shown in the dashboard, not sent: the live demo's).
 */
export type MailTransport = 'platform' | 'relay' | 'catcher';

/** The tenant's own relay, as the API shows it: the password is never read back, only whether one is set. */
export interface RelaySettings {
  host: string;
  port: number;
  /** `starttls`: plain connect, upgraded (required, never sent in clear); `tls`: implicit TLS (465); `none`: clear. */
  security: 'starttls' | 'tls' | 'none';
  username: string | null;
  hasPassword: boolean;
  tlsVerify: boolean;
}

export interface MailSettings {
  transport: MailTransport;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
  relay: RelaySettings | null;
}

/** What an admin saves; `relay.password` omitted keeps the sealed one, `''` removes it. */
export interface MailSettingsInput {
  transport: MailTransport;
  fromName?: string | null;
  fromAddress?: string | null;
  replyTo?: string | null;
  relay?: { host: string; port: number; security: RelaySettings['security']; username?: string | null; password?: string | null; tlsVerify?: boolean } | null;
}

/** The relay as the mailer needs it to connect: the password opened. */
export interface RelayConnection extends Omit<RelaySettings, 'hasPassword'> {
  password: string | null;
}

// At most 254 characters (RFC 5321) before the pattern, which would otherwise backtrack on a long string.
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
/** One e-mail address as the settings and the test e-mail accept it (at most 254 characters, then the pattern). */
export const emailAddress = z.string({ error: 'must be an e-mail address' }).max(254, { error: 'must be an e-mail address' }).regex(EMAIL, { error: 'must be an e-mail address' });
// A display name goes into a header: no line breaks (header injection), no quotes or angle brackets to confuse it.
const displayName = text({ max: 100, message: 'must be a name of at most 100 characters, without line breaks, quotes or <>' }).regex(/^[^\r\n"<>]*$/, {
  error: 'must be a name of at most 100 characters, without line breaks, quotes or <>',
});

const SETTINGS = {
  transport: oneOf(['platform', 'relay', 'catcher'] as const, { message: 'must be platform (the service’s relay), relay (your own SMTP server) or catcher (kept, not sent)' }),
  fromName: displayName.nullable().optional(),
  fromAddress: emailAddress.nullable().optional(),
  replyTo: emailAddress.nullable().optional(),
  relay: z.unknown().optional(),
};

const RELAY = {
  host: address('must be the relay’s host name or IP address'),
  port: port(),
  security: oneOf(['starttls', 'tls', 'none'] as const, { message: 'must be starttls (port 587), tls (port 465) or none' }),
  username: text({ max: 254, message: 'must be a user name of at most 254 characters' }).nullable().optional(),
  password: text({ max: 1024, message: 'must be a password of at most 1024 characters' }).nullable().optional(),
  tlsVerify: flag().optional(),
};

interface Row {
  transport: MailTransport;
  from_name: string | null;
  from_address: string | null;
  reply_to: string | null;
  relay_host: string | null;
  relay_port: number | null;
  relay_security: RelaySettings['security'] | null;
  relay_username: string | null;
  relay_password_sealed: string | null;
  relay_tls_verify: boolean;
}

const DEFAULTS: MailSettings = { transport: 'platform', fromName: null, fromAddress: null, replyTo: null, relay: null };

/**
 * A tenant's e-mail settings, on its row of `tenant_mail_transports` (a tenant without a row uses the platform's
 * relay with the platform's sender). The relay password is sealed with the row's tenant as context, so a value
 * copied to another tenant's row does not open.
 */
@Injectable()
export class TenantMailSettings {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async get(tenantId: string): Promise<MailSettings> {
    const row = await this.row(tenantId);
    if (!row) return DEFAULTS;
    return {
      transport: row.transport,
      fromName: row.from_name,
      fromAddress: row.from_address,
      replyTo: row.reply_to,
      relay:
        row.relay_host && row.relay_port && row.relay_security
          ? { host: row.relay_host, port: row.relay_port, security: row.relay_security, username: row.relay_username, hasPassword: row.relay_password_sealed !== null, tlsVerify: row.relay_tls_verify }
          : null,
    };
  }

  async transportOf(tenantId: string): Promise<MailTransport> {
    return (await this.row(tenantId))?.transport ?? 'platform';
  }

  /** Switches only the transport (the demo's catcher on install, back to the platform on removal), keeping the rest. */
  async setTransport(tenantId: string, transport: Exclude<MailTransport, 'relay'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO tenant_mail_transports (tenant_id, transport) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET transport = EXCLUDED.transport, updated_at = now()`,
      [tenantId, transport],
    );
    // Back to the platform with nothing else set is the same as no row: leave none (the demo's removal leaves nothing).
    await this.dataSource.query(
      `DELETE FROM tenant_mail_transports WHERE tenant_id = $1 AND transport = 'platform'
         AND from_name IS NULL AND from_address IS NULL AND reply_to IS NULL AND relay_host IS NULL`,
      [tenantId],
    );
  }

  /**
   * Validates and saves everything in one statement: a refused field (named in words, `input.relay.port`) saves
   * nothing. The relay's host is judged by the egress policy here (an address literal) and again at each connection.
   */
  async set(tenantId: string, input: MailSettingsInput, egress: AddressJudge): Promise<MailSettings> {
    const words = (path: string) => ({ path, unknown: () => 'is not an e-mail setting', required: () => 'is required' });
    checkSettings(SETTINGS, input as unknown as Record<string, unknown>, words('input'), egress);
    const relay = input.relay ?? null;
    if (relay !== null) checkSettings(RELAY, relay as unknown as Record<string, unknown>, words('input.relay'), egress);
    if (input.transport === 'relay' && !relay) checkSettings(RELAY, {}, { ...words('input.relay'), required: () => 'is required to send through your own relay' });
    const sealed =
      relay?.password === undefined
        ? undefined // keep the stored one
        : relay.password === null || relay.password === ''
          ? null
          : this.box.seal(relay.password, sealContext(tenantId));
    await this.dataSource.query(
      `INSERT INTO tenant_mail_transports (tenant_id, transport, from_name, from_address, reply_to, relay_host, relay_port, relay_security, relay_username, relay_password_sealed, relay_tls_verify)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (tenant_id) DO UPDATE SET transport = EXCLUDED.transport, from_name = EXCLUDED.from_name, from_address = EXCLUDED.from_address,
         reply_to = EXCLUDED.reply_to, relay_host = EXCLUDED.relay_host, relay_port = EXCLUDED.relay_port, relay_security = EXCLUDED.relay_security,
         relay_username = EXCLUDED.relay_username, relay_tls_verify = EXCLUDED.relay_tls_verify,
         relay_password_sealed = CASE WHEN $12 THEN tenant_mail_transports.relay_password_sealed ELSE EXCLUDED.relay_password_sealed END,
         updated_at = now()`,
      [
        tenantId, input.transport, input.fromName || null, input.fromAddress || null, input.replyTo || null,
        relay?.host ?? null, relay?.port ?? null, relay?.security ?? null, relay?.username || null, sealed ?? null, relay?.tlsVerify ?? true,
        // A relay removed takes its password with it; otherwise an omitted password keeps the stored one.
        relay !== null && sealed === undefined,
      ],
    );
    return this.get(tenantId);
  }

  /** The tenant's relay with its password opened, for the mailer only (never for the API). */
  async relayConnection(tenantId: string): Promise<RelayConnection | null> {
    const row = await this.row(tenantId);
    if (!row?.relay_host || !row.relay_port || !row.relay_security) return null;
    return {
      host: row.relay_host,
      port: row.relay_port,
      security: row.relay_security,
      username: row.relay_username,
      password: row.relay_password_sealed ? this.box.open(row.relay_password_sealed, sealContext(tenantId)) : null,
      tlsVerify: row.relay_tls_verify,
    };
  }

  private async row(tenantId: string): Promise<Row | undefined> {
    const rows = (await this.dataSource.query('SELECT * FROM tenant_mail_transports WHERE tenant_id = $1', [tenantId])) as Row[];
    return rows[0];
  }
}

function sealContext(tenantId: string): string {
  return `tenant_mail_transports:${tenantId}:relay_password`;
}
