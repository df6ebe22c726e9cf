import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Incident } from './incident.entity.js';

/** Who reads the outbox: each consumer has its own row per change, so one's failure never holds up the other. */
export type OutboxConsumerName = 'alerts' | 'runbooks' | 'status-pages';
/**
 * What happened: an incident opened, acknowledged or resolved, a held incident released (flapping ended while it is still open:
 * its page and its failover are due now), or a run or a standing decision that needs a person (an alert in its own right).
 */
export type OutboxKind = 'opened' | 'resolved' | 'released' | 'acknowledged' | 'attention';

/**
 * The incident's outbox: written in the same transaction as the incident change it announces, one row per consumer.
 * A consumer claims its unhandled rows (SKIP LOCKED, with a lease), acts, and marks them handled; a crash anywhere
 * means "handled late", never "lost". Consumers act idempotently, so a row handled again after a crash between the
 * act and the mark changes nothing twice.
 */
@Entity('incident_outbox')
@Index('IDX_incident_outbox_pending', ['consumer', 'availableAt'], { where: 'handled_at IS NULL' })
@Index('IDX_incident_outbox_incident', ['incidentId'])
export class IncidentOutboxRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'text' }) consumer: OutboxConsumerName;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) incidentId: string;
  @ManyToOne(() => Incident, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'FK_incident_outbox_incident' }) incident?: Incident;
  @Column({ type: 'text' }) kind: OutboxKind;
  @Column({ type: 'jsonb', default: {} }) payload: Record<string, string>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  /** Not before: the lease of a claim, or the backoff after a failure. */
  @Column({ type: 'timestamptz', default: () => 'now()' }) availableAt: Date;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'timestamptz', nullable: true }) handledAt: Date | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
}
