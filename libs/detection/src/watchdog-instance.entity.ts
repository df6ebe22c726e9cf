import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A running watchdog process and its last heartbeat. Monitors will be shared among the live ones and taken over
 * from one whose heartbeat stops (the detection issue builds on this).
 */
@ObjectType()
@Entity('watchdog_instances')
export class WatchdogInstance {
  @Field(() => ID) @PrimaryColumn({ type: 'text' }) id: string;
  @Field() @Column({ type: 'text' }) hostname: string;
  @Field() @Column({ type: 'int' }) pid: number;
  @Field() @Column({ type: 'timestamptz' }) startedAt: Date;
  @Field() @Column({ type: 'timestamptz' }) heartbeatAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) stoppedAt: Date | null;
}
