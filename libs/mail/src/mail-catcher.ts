import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface CaughtMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  caughtAt: Date;
}

/** Kept per tenant; older ones are dropped as new ones arrive. */
export const CAUGHT_MAILS_KEPT = 500;

/**
 * The mail catcher: a transport that stores a tenant's outgoing e-mail (alerts, reports) in `caught_mails` instead
 * of sending it, for the dashboard to show. Chosen per tenant (`TenantMailSettings`, transport `catcher`). The live demo's tenant uses it, so a newcomer sees the alert e-mails without configuring SMTP.
 */
@Injectable()
export class MailCatcher {
  constructor(private readonly dataSource: DataSource) {}

  async catch(tenantId: string, mail: { to: string; subject: string; text: string; html: string; headers?: Record<string, string> }): Promise<string> {
    const rows = (await this.dataSource.query(
      `INSERT INTO caught_mails (tenant_id, to_address, subject, text_body, html_body, headers) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [tenantId, mail.to, mail.subject, mail.text, mail.html, JSON.stringify(mail.headers ?? {})],
    )) as { id: string }[];
    await this.dataSource.query(
      `DELETE FROM caught_mails WHERE tenant_id = $1 AND id NOT IN (SELECT id FROM caught_mails WHERE tenant_id = $1 ORDER BY caught_at DESC, id DESC LIMIT ${CAUGHT_MAILS_KEPT})`,
      [tenantId],
    );
    return rows[0]!.id;
  }

  async list(tenantId: string, limit = 50): Promise<CaughtMail[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, to_address, subject, text_body, html_body, headers, caught_at FROM caught_mails WHERE tenant_id = $1 ORDER BY caught_at DESC, id DESC LIMIT $2`,
      [tenantId, Math.max(1, Math.min(limit, CAUGHT_MAILS_KEPT))],
    )) as { id: string; to_address: string; subject: string; text_body: string; html_body: string; headers: Record<string, string>; caught_at: Date }[];
    return rows.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body, headers: r.headers, caughtAt: r.caught_at }));
  }

  async clear(tenantId: string): Promise<number> {
    const result = (await this.dataSource.query('DELETE FROM caught_mails WHERE tenant_id = $1', [tenantId])) as [unknown, number];
    return result[1];
  }
}
