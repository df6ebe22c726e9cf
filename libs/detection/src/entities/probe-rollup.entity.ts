import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Results of one monitor in one minute. Raw results are not kept; these are, for the retention period. */
@Entity('probe_rollups')
export class ProbeRollup {
  @PrimaryColumn({ type: 'uuid' }) monitorId: string;
  @PrimaryColumn({ type: 'timestamptz' }) minute: Date;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'int' }) count: number;
  @Column({ type: 'int' }) failures: number;
  @Column({ type: 'int' }) degraded: number;
  @Column({ type: 'real', nullable: true }) latencyP50: number | null;
  @Column({ type: 'real', nullable: true }) latencyP95: number | null;
}
