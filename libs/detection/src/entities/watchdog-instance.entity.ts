import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NetworkTally } from '#lib/vantages';

/**
 * A running watchdog process and its last heartbeat. Monitors will be shared among the live ones and taken over
 * from one whose heartbeat stops (the detection issue builds on this).
 */
@ObjectType({ description: 'A live watchdog: tenants see that it runs and beats, not where' })
@Entity('watchdog_instances')
export class WatchdogInstance {
  @Field(() => ID) @PrimaryColumn({ type: 'text' }) id: string;
  // The provider's host names and pids are not tenant business (they map the platform for an attacker): kept for
  // operators in the table and the logs, never in the API every tenant reads.
  @Column({ type: 'text' }) hostname: string;
  @Column({ type: 'int' }) pid: number;
  @Field() @Column({ type: 'timestamptz' }) startedAt: Date;
  @Field() @Column({ type: 'timestamptz' }) heartbeatAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) stoppedAt: Date | null;
  /** The vantage it votes under (VIGIA_VANTAGE): a replica that stops reporting is that vantage's incident. */
  @Column({ type: 'text', nullable: true }) vantage: string | null;
  /** While its own probes have stopped completing: since when and why (an API in another process shows it on its banner). */
  @Column({ type: 'timestamptz', nullable: true }) blindSince: Date | null;
  @Column({ type: 'text', nullable: true }) blindReason: string | null;
  /**
   * Its share of the vantages' network rule, by `tallyKey(tenant, vantage)`: counts over the monitors it owns, from
   * its detectors in memory, as of its last beat (the evaluator sums the live watchdogs').
   */
  @Column({ type: 'jsonb', nullable: true }) networkTally: Record<string, NetworkTally> | null;
}
