import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

@ObjectType({ description: 'A runbook: its versions are immutable; a run records the version it ran' })
@Entity('runbooks')
@Index(['tenantId', 'name'], { unique: true })
export class Runbook {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field() @Column({ type: 'text', default: '' }) description: string;
  @Field(() => Int) @Column({ type: 'int' }) version: number;
  @Field({ description: 'Installed from a built-in template' }) @Column({ type: 'boolean', default: false }) builtin: boolean;
  @Field(() => Int, { nullable: true, description: 'Run on a schedule, every this many minutes' }) @Column({ type: 'int', nullable: true }) scheduleEveryMinutes: number | null;
  @Field(() => ID, { nullable: true, description: 'Resource a scheduled run is for' }) @Column({ type: 'uuid', nullable: true }) scheduleResourceId: string | null;
  @Index() @Column({ type: 'timestamptz', nullable: true }) nextRunAt: Date | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

@ObjectType()
@Entity('runbook_versions')
@Index(['runbookId', 'version'], { unique: true })
export class RunbookVersion {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Field(() => ID) @Column({ type: 'uuid' }) runbookId: string;
  @ManyToOne(() => Runbook, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'runbook_id' }) runbook?: Runbook;
  @Field(() => Int) @Column({ type: 'int' }) version: number;
  @Field({ description: 'yaml or json' }) @Column({ type: 'text' }) format: string;
  @Field({ description: 'The document as the author wrote it' }) @Column({ type: 'text' }) source: string;
  @Field(() => GraphQLJSONObject, { description: 'The validated, normalised definition runs execute' }) @Column({ type: 'jsonb' }) definition: Record<string, unknown>;
  @Field() @Column({ type: 'text' }) createdBy: string;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
