import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

export enum RunStatus {
  pending = 'pending',
  running = 'running',
  waiting_approval = 'waiting_approval',
  needs_operator = 'needs_operator',
  succeeded = 'succeeded',
  failed = 'failed',
  aborted = 'aborted',
}
registerEnumType(RunStatus, { name: 'RunStatus' });

/** Statuses that hold the resource's lock: at most one such run per lock key (partial unique index). */
export const ACTIVE_RUN_STATUSES = [RunStatus.pending, RunStatus.running, RunStatus.waiting_approval, RunStatus.needs_operator];

export enum StepStatus {
  running = 'running',
  succeeded = 'succeeded',
  failed = 'failed',
  skipped = 'skipped',
  waiting = 'waiting',
  unknown = 'unknown',
}
registerEnumType(StepStatus, { name: 'StepStatus', description: 'unknown: interrupted mid-way and not safe to repeat; an operator decides' });

@ObjectType({ description: 'One execution of a runbook, with its audit trail' })
@Entity('runbook_runs')
@Index(['tenantId', 'createdAt'])
@Index(['lockKey'], { unique: true, where: "status IN ('pending','running','waiting_approval','needs_operator')" })
@Index(['status', 'leaseUntil'])
export class RunbookRun {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID, { nullable: true }) @Column({ type: 'uuid', nullable: true }) runbookId: string | null;
  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) runbookVersion: number | null;
  @Field() @Column({ type: 'text' }) runbookName: string;
  @Field(() => ID, { nullable: true }) @Index() @Column({ type: 'uuid', nullable: true }) resourceId: string | null;
  /** `resource:<id>`, or `runbook:<id>` for a run without a resource. */
  @Column({ type: 'text' }) lockKey: string;
  @Field({ description: 'incident, manual, schedule, failback, recovery or fence' }) @Column({ type: 'text' }) trigger: string;
  @Field({ description: 'Who or what started it' }) @Column({ type: 'text' }) actor: string;
  @Field(() => ID, { nullable: true }) @Index() @Column({ type: 'uuid', nullable: true }) incidentId: string | null;
  @Field(() => GraphQLJSONObject) @Column({ type: 'jsonb' }) params: Record<string, unknown>;
  /** The definition this run executes (a snapshot: editing the runbook does not change a run under way). */
  @Column({ type: 'jsonb' }) definition: Record<string, unknown>;
  @Field(() => RunStatus) @Column({ type: 'text' }) status: RunStatus;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) statusReason: string | null;
  @Field({ description: 'Ignored the cooldown (an operator forced it)' }) @Column({ type: 'boolean', default: false }) forced: boolean;
  /** Fencing token: a fresh value from a sequence at every claim; each checkpoint is conditional on it. */
  @Column({ type: 'bigint', nullable: true }) fencingToken: string | null;
  @Field(() => String, { nullable: true, description: 'Watchdog instance running it' }) @Column({ type: 'text', nullable: true }) owner: string | null;
  @Column({ type: 'timestamptz', nullable: true }) leaseUntil: Date | null;
  @Field(() => Int, { description: 'Times a watchdog claimed it (more than 1: resumed after a crash)' }) @Column({ type: 'int', default: 0 }) claims: number;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
}

@ObjectType({ description: 'One command or API call a step made, with its result' })
export class StepAction {
  @Field() kind: string;
  @Field() target: string;
  @Field() command: string;
  @Field(() => Int, { nullable: true }) exitCode?: number | null;
  @Field({ nullable: true }) ok?: boolean;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => Int, { nullable: true }) ms?: number | null;
}

@ObjectType({ description: 'A step of a run: checkpointed at start and finish' })
@Entity('runbook_run_steps')
@Index(['runId', 'phase', 'index'], { unique: true })
export class RunStep {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Field(() => ID) @Column({ type: 'uuid' }) runId: string;
  @ManyToOne(() => RunbookRun, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunbookRun;
  @Field({ description: 'main, or compensate (undo steps after a failure)' }) @Column({ type: 'text', default: 'main' }) phase: string;
  @Field(() => Int) @Column({ type: 'int' }) index: number;
  @Field() @Column({ type: 'text' }) name: string;
  @Field() @Column({ type: 'text' }) type: string;
  @Field(() => StepStatus) @Column({ type: 'text' }) status: StepStatus;
  @Field(() => [StepAction]) @Column({ type: 'jsonb', default: () => "'[]'" }) actions: StepAction[];
  @Field() @Column({ type: 'text', default: '' }) stdout: string;
  @Field() @Column({ type: 'text', default: '' }) stderr: string;
  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) exitCode: number | null;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) error: string | null;
  @Field(() => GraphQLJSONObject, { description: 'Values later steps use as {{ steps.<name>.<key> }}' }) @Column({ type: 'jsonb', default: () => "'{}'" }) outputs: Record<string, unknown>;
  @Field(() => Int) @Column({ type: 'int', default: 1 }) attempt: number;
  @Field() @Column({ type: 'timestamptz' }) startedAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who approved an approval step' }) @Column({ type: 'text', nullable: true }) approvedBy: string | null;
}
