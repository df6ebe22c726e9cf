import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An agent's probe result on its way to the detector: written by the API that received it, claimed (and deleted)
 * by the watchdog that owns the monitor. A durable hand-off: a watchdog that dies leaves the rows to its successor.
 */
@Entity('vantage_results')
@Index(['monitorId', 'id'])
// Claimed per vantage in turns (fairness across tenants): each vantage's oldest by one index range.
@Index('IDX_vantage_results_vantage_id', ['vantageId', 'id'])
export class VantageResult {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) vantageId: string;
  @Column({ type: 'text' }) vantageName: string;
  @Column({ type: 'uuid' }) monitorId: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** When the agent started the probe: its clock, moved onto the API's by its measured offset (within the bound). */
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) status: string;
  @Column({ type: 'real' }) latencyMs: number;
  @Column({ type: 'text' }) reason: string;
  /** From the agent's offline buffer (or too old to be fresh): completes history, never a vote to open an incident. */
  @Column({ type: 'boolean' }) replayed: boolean;
  @Index() @Column({ type: 'timestamptz', default: () => 'now()' }) receivedAt: Date;
}
