import { Injectable, Optional } from '@nestjs/common';
import { MetricsService } from '#lib/observability';
import { Subject } from 'rxjs';
import { DataSource, type EntityManager } from 'typeorm';
import { type OutboxConsumerName, type OutboxKind, IncidentOutboxRow } from './incident-outbox.entity.js';

export interface OutboxItem {
  id: string;
  consumer: OutboxConsumerName;
  tenantId: string;
  incidentId: string;
  kind: OutboxKind;
  payload: Record<string, string>;
  attempts: number;
}

const CONSUMERS_OF: Record<OutboxKind, OutboxConsumerName[]> = {
  opened: ['runbooks', 'alerts', 'status-pages'],
  resolved: ['alerts', 'status-pages'],
  released: ['runbooks', 'alerts'],
  acknowledged: ['alerts'],
  attention: ['alerts'],
};

/** Retry pauses after a consumer fails on a row: 1 s, 2 s, 4 s … up to 5 min. */
export function outboxBackoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** The incidents library's outbox port: written inside incident transactions, read by the alerts and runbook consumers. */
@Injectable()
export class IncidentOutbox {
  /** Nudged after a transaction that wrote rows commits, so consumers in this process act at once. */
  readonly written = new Subject<void>();

  constructor(
    private readonly dataSource: DataSource,
    @Optional() metrics?: MetricsService,
  ) {
    for (const consumer of ['alerts', 'runbooks', 'status-pages'] as const) {
      metrics?.gauge('vigia_incident_outbox_pending', 'Incident changes not yet handled by a consumer (alerts, runbooks, status pages)', async () => (await this.pending())[consumer], { consumer });
    }
  }

  /** Rows for every consumer of `kind`, inside the caller's transaction. */
  async write(manager: EntityManager, tenantId: string, incidentId: string, kind: OutboxKind, payload: Record<string, string> = {}): Promise<void> {
    await manager.insert(IncidentOutboxRow, CONSUMERS_OF[kind].map((consumer) => ({ consumer, tenantId, incidentId, kind, payload })));
  }

  /**
   * Up to `limit` rows for `consumer`, leased for `leaseMs`. An incident's rows are taken in order: none while an
   * earlier row of the same incident is still unhandled (a resolve never overtakes its open).
   */
  async claim(consumer: OutboxConsumerName, limit = 50, leaseMs = 60_000): Promise<OutboxItem[]> {
    const [rows]: [Record<string, unknown>[], number] = await this.dataSource.query(
      `UPDATE incident_outbox o SET available_at = now() + $3 * interval '1 millisecond', attempts = o.attempts + 1
        WHERE o.id IN (
          SELECT c.id FROM incident_outbox c
           WHERE c.consumer = $1 AND c.handled_at IS NULL AND c.available_at <= now()
             AND NOT EXISTS (SELECT 1 FROM incident_outbox p WHERE p.consumer = c.consumer AND p.incident_id = c.incident_id AND p.handled_at IS NULL AND p.id < c.id)
           ORDER BY c.id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.consumer, o.tenant_id, o.incident_id, o.kind, o.payload, o.attempts`,
      [consumer, limit, leaseMs],
    );
    return rows
      .map((r) => ({ id: String(r.id), consumer: r.consumer as OutboxConsumerName, tenantId: r.tenant_id as string, incidentId: r.incident_id as string, kind: r.kind as OutboxKind, payload: r.payload as Record<string, string>, attempts: r.attempts as number }))
      .sort((a, b) => Number(a.id) - Number(b.id));
  }

  async done(item: OutboxItem): Promise<void> {
    await this.dataSource.query('UPDATE incident_outbox SET handled_at = now(), last_error = NULL WHERE id = $1', [item.id]);
  }

  async failed(item: OutboxItem, error: unknown): Promise<void> {
    await this.dataSource.query(`UPDATE incident_outbox SET available_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE id = $1`, [
      item.id,
      outboxBackoffMs(item.attempts),
      (error instanceof Error ? error.message : String(error)).slice(0, 1000),
    ]);
  }

  /** Rows not handled yet, per consumer: for /metrics and the health of the pipeline. */
  async pending(): Promise<Record<OutboxConsumerName, number>> {
    const rows: { consumer: OutboxConsumerName; n: number }[] = await this.dataSource.query(
      'SELECT consumer, count(*)::int AS n FROM incident_outbox WHERE handled_at IS NULL GROUP BY consumer',
    );
    return { alerts: 0, runbooks: 0, 'status-pages': 0, ...Object.fromEntries(rows.map((r) => [r.consumer, r.n])) };
  }
}
