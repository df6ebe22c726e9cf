import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { RESOURCE_KINDS, ResourceKind } from '../resources/resource-kinds.js';

// The resource kinds are the registry's (resources/resource-kinds.ts): one entry per kind, described there.
export { ResourceKind };
registerEnumType(ResourceKind, {
  name: 'ResourceKind',
  description: 'What kind of failover unit a resource is',
  valuesMap: Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind.type, { description: kind.description }])),
});

export enum FailbackPolicy {
  auto = 'auto',
  stay = 'stay',
}
registerEnumType(FailbackPolicy, { name: 'FailbackPolicy', description: 'auto: return to the preferred member once healthy for the hold time; stay: keep the current primary (nice_failback)' });

/** Why Vigia is not failing over (yet) while the primary is down. */
export type DecisionKind = 'held_flapping' | 'unconfirmed' | 'no_standby' | 'cooldown' | 'vm_refused' | 'no_runbook';

@ObjectType({ description: 'A member of a failover unit, in preference order' })
export class ResourceMember {
  @Field(() => ID) hostId: string;
  @Field(() => [ID], { description: 'Monitors whose outage means this member is down (empty: every monitor of the host)' }) monitorIds: string[];
  @Field(() => Int, { nullable: true, description: 'Pool weight to restore' }) weight?: number | null;
  @Field(() => String, { nullable: true, description: 'Pool server name, or DNS value when it is not the host address' }) value?: string | null;
  /** Not stored: worked out when read (member-roles.ts), as the GraphQL field `role`. */
  role?: string;
  @Field(() => String, {
    nullable: true,
    description: 'What is unsafe about this member as configured, from the last check (MySQL groups: its server would boot writable, or could not be checked); null when fine or not checked',
  })
  warning?: string | null;
}

/**
 * A failover unit: members in preference order and who is primary now, since when and why. Its policy says how a
 * failure is handled (automatic or approval, cooldown, failback, fencing). One active run at a time (`runbook_runs`).
 */
@ObjectType()
@Entity('resources')
@Index(['tenantId', 'name'], { unique: true })
export class Resource {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => ResourceKind) @Column({ type: 'enum', enum: ResourceKind, enumName: 'resource_kind' }) kind: ResourceKind;
  @Field(() => GraphQLJSONObject, { description: 'Kind-specific settings (VIP and interface, zone and record, pool driver…); secrets are never shown' })
  @Column({ type: 'jsonb' }) config: Record<string, unknown>;
  /** Sealed (SecretBox) JSON of the kind's secrets: TSIG secret, PowerDNS API key. */
  @Column({ type: 'text', nullable: true }) secretSealed: string | null;
  @Field(() => [ResourceMember]) @Column({ type: 'jsonb' }) members: ResourceMember[];
  @Field(() => ID, { nullable: true }) @Column({ type: 'uuid', nullable: true }) primaryHostId: string | null;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) primarySince: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the primary is the primary: configured, or the run that moved it' })
  @Column({ type: 'text', nullable: true }) primaryReason: string | null;
  @Field({ description: 'Failover runs wait for an operator to approve them' }) @Column({ type: 'boolean', default: false }) approvalRequired: boolean;
  @Field(() => Int, { description: 'No second automatic run within this many minutes of the last one' }) @Column({ type: 'int', default: 5 }) cooldownMinutes: number;
  @Field(() => FailbackPolicy) @Column({ type: 'text', default: FailbackPolicy.stay }) failback: FailbackPolicy;
  @Field(() => Int) @Column({ type: 'int', default: 300 }) failbackHoldSeconds: number;
  @Field({ description: 'Takeover only once the old primary is confirmed fenced; otherwise pause for an operator' })
  @Column({ type: 'boolean', default: false }) requireFencing: boolean;
  @Field(() => ID, { nullable: true, description: 'Run on a member failure (failover, drain)' }) @Column({ type: 'uuid', nullable: true }) runbookId: string | null;
  @Field(() => ID, { nullable: true, description: 'Run when a member is back (failback, restore)' }) @Column({ type: 'uuid', nullable: true }) recoveryRunbookId: string | null;
  @Field(() => [ID], { description: 'Members whose fencing was not confirmed: fenced when they come back, before anything else' })
  @Column({ type: 'uuid', array: true, default: () => "'{}'" }) fencePending: string[];
  @Field(() => [ID], { description: 'Pool members taken out by a run' }) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) drained: string[];
  @Field(() => Date, { nullable: true, description: 'When the last automatic run ended (the cooldown counts from it; manual and fencing runs do not start it)' })
  @Column({ type: 'timestamptz', nullable: true }) lastRunAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Standing decision not to act (yet) on an outage of the primary: held (flapping), unconfirmed, no healthy standby, cooldown… re-evaluated on every verdict until the service is whole or an operator acts' })
  @Column({ type: 'text', nullable: true }) decision: string | null;
  @Field(() => String, { nullable: true, description: 'held_flapping, unconfirmed, no_standby, cooldown, vm_refused, no_runbook' })
  @Column({ type: 'text', nullable: true }) decisionKind: DecisionKind | null;
  @Field(() => ID, { nullable: true, description: 'The incident the standing decision is about' }) @Column({ type: 'uuid', nullable: true }) decisionIncidentId: string | null;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) decisionSince: Date | null;
  @Field(() => Date, { nullable: true, description: 'When an alert was raised about the standing decision (its delivery is in the incident\'s notifications)' }) @Column({ type: 'timestamptz', nullable: true }) decisionPagedAt: Date | null;
  /** An operator said "act now" for this incident: flap damping and cooldown no longer hold its failover. */
  @Column({ type: 'uuid', nullable: true }) actNowIncidentId: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
