import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One result as a batch row holds it (JSON; `at` in ms since the epoch on the API's clock). */
export interface StoredResult {
  monitor_id: string;
  tenant_id: string;
  at: number;
  status: 'up' | 'degraded' | 'down';
  latency_ms: number;
  reason: string;
  replayed: boolean;
  /** The agent's own egress policy refused the target: not probed, never a vote. */
  refused?: boolean;
}

/**
 * Agents' probe results on their way to the detector, one row per batch and owning watchdog: the API that received a
 * batch splits it by the watchdog that owns each monitor (rendezvous over the live ones, as the watchdogs split the
 * fleet) and writes each part as one row; that watchdog claims (and deletes) its rows. A durable hand-off: a watchdog
 * that dies leaves its rows to the live ones, which take them as orphans and hand back what is not theirs.
 * A row per result (and a claim that named every agent-probed monitor) cost PostgreSQL 65 µs per probe at 6,000 × 3.
 * The view `vantages_waiting_results` (VANTAGES_VIEWS) shows the waiting results one per row.
 */
@Entity('vantage_result_batches')
// Claimed per vantage in turns (fairness across tenants): each vantage's oldest by one index range.
@Index('IDX_vantage_result_batches_vantage_id', ['vantageId', 'id'])
export class VantageResultBatch {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  /** The watchdog instance it was routed to; null when none was live. */
  @Column({ type: 'text', nullable: true }) owner: string | null;
  @Column({ type: 'uuid' }) vantageId: string;
  @Column({ type: 'text' }) vantageName: string;
  @Column({ type: 'int' }) size: number;
  @Column({ type: 'jsonb' }) results: StoredResult[];
  /** Times handed back by a watchdog that did not own some of its monitors (a takeover under way); bounded. */
  @Column({ type: 'smallint', default: 0 }) hops: number;
  @Index() @Column({ type: 'timestamptz', default: () => 'now()' }) receivedAt: Date;
}
