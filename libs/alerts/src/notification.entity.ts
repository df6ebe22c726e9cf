import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One message to one channel, queued in PostgreSQL: workers on any process claim due rows with FOR UPDATE SKIP
 * LOCKED, so each is delivered once; failures back off and retry; every attempt is logged.
 */
@ObjectType()
@Entity('notifications')
@Index(['status', 'nextAttemptAt'])
@Index(['incidentId'])
@Index(['channelId', 'incidentId', 'kind', 'step'], { unique: true })
@Index(['incidentId', 'recipient', 'kind'], { unique: true, where: 'recipient IS NOT NULL' })
@Index(['incidentId', 'kind', 'step', 'targetKey'], { unique: true, where: "target_key <> ''" })
export class Notification {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Field(() => ID, { nullable: true, description: 'Null for a customer notice' }) @Column({ type: 'uuid', nullable: true }) channelId: string | null;
  @Field(() => String, { nullable: true, description: 'A customer notice goes to this address' }) @Column({ type: 'text', nullable: true }) recipient: string | null;
  @Field(() => ID) @Column({ type: 'uuid' }) incidentId: string;
  @Field({ description: 'trigger, acknowledge, resolve or test' }) @Column({ type: 'text' }) kind: string;
  @Field(() => Int, { description: 'Escalation step of a trigger (0: first)' }) @Column({ type: 'int', default: 0 }) step: number;
  @Field(() => GraphQLJSONObject) @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Field({ description: 'queued, sending, sent, failed (will retry), dead (gave up) or cancelled (acknowledged or resolved first)' }) @Column({ type: 'text' }) status: string;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'timestamptz' }) nextAttemptAt: Date;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) lastError: string | null;
  /** E-mail and webhook triggers of one channel, site and step that fall in one grouping window go out as one message. */
  @Index() @Column({ type: 'text', nullable: true }) groupKey: string | null;
  @Field(() => ID, { nullable: true, description: 'Sent as part of this notification (a grouped message)' })
  @Column({ type: 'uuid', nullable: true }) groupedInto: string | null;
  /**
   * Empty for a channel's row. `schedule:<id>` / `person:<id>`: an escalation step's target, resolved when the step
   * fires into `page:<userId>:<rule>` rows (one per personal notification rule), delivered to `address`.
   */
  @Field({ description: 'Empty for a channel; schedule:<id> or person:<id> (a step target, resolved when due); page:<user>:<rule> (a personal page)' })
  @Column({ type: 'text', default: '' }) targetKey: string;
  @Field(() => ID, { nullable: true, description: 'The person paged (personal pages)' }) @Column({ type: 'uuid', nullable: true }) userId: string | null;
  @Field(() => ID, { nullable: true, description: 'The schedule the person was on call in, when a schedule was the target' }) @Column({ type: 'uuid', nullable: true }) scheduleId: string | null;
  @Field(() => String, { nullable: true, description: 'A personal page: email, phone, slack, telegram …' }) @Column({ type: 'text', nullable: true }) contactKind: string | null;
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Field(() => ID, { nullable: true, description: 'The escalation policy (route) that queued this trigger; null: no policy matched' }) @Column({ type: 'uuid', nullable: true }) policyId: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
}

@ObjectType()
@Entity('notification_attempts')
@Index(['notificationId'])
export class NotificationAttempt {
  @Field(() => ID) @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) notificationId: string;
  @Field() @Column({ type: 'timestamptz' }) at: Date;
  @Field() @Column({ type: 'boolean' }) ok: boolean;
  @Field() @Column({ type: 'text' }) response: string;
  @Field(() => Int) @Column({ type: 'int' }) durationMs: number;
}
