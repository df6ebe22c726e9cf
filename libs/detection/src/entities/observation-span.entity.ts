import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A stretch of time during which at least one watchdog was alive and could write to the database. The gaps between
 * spans are the time Vigia did not see: reports count it as unobserved, never as uptime.
 */
@Entity('observation_spans')
@Index('IDX_observation_spans_ended_at', ['endedAt'])
export class ObservationSpan {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz' }) startedAt: Date;
  @Column({ type: 'timestamptz' }) endedAt: Date;
}
