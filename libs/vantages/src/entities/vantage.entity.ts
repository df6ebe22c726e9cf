import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

export enum VantageKind {
  platform = 'platform',
  private = 'private',
}
registerEnumType(VantageKind, { name: 'VantageKind', description: 'platform: run by the operator of Vigia, serves every tenant; private: inside one tenant’s network, serves that tenant only' });

/**
 * A place probes run from: a central watchdog (registers itself, holds a database connection) or a remote agent
 * (connects outbound with its vantage token, holds no database credentials). Several vantages vote on "down".
 */
@ObjectType({ description: 'A place probes run from; several vantages vote on "down"' })
@Entity('vantages')
// Unique among the live ones (a revoked vantage's name can be used again); platform names across the platform,
// private names within their tenant. A private name may not shadow a platform one either (checked on create).
@Index('uq_vantages_platform_name', ['name'], { unique: true, where: '"tenant_id" IS NULL AND "revoked_at" IS NULL' })
@Index('uq_vantages_private_name', ['tenantId', 'name'], { unique: true, where: '"tenant_id" IS NOT NULL AND "revoked_at" IS NULL' })
export class Vantage {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  /** Null for a platform vantage. */
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => VantageKind) @Column({ type: 'text' }) kind: VantageKind;
  @Field(() => String, { nullable: true, description: 'Site or region label, e.g. eu-west-1, madrid-dc2' })
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Field({ description: 'A central watchdog (registered itself), not a remote agent' }) @Column({ type: 'boolean', default: false }) central: boolean;
  /** SHA-256 of the agent's token (shown once); null for a central watchdog. */
  @Index({ unique: true }) @Column({ type: 'text', nullable: true }) tokenHash: string | null;
  @Field(() => String, { nullable: true, description: 'The first characters of the token, to recognise it' })
  @Column({ type: 'text', nullable: true }) tokenPrefix: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'Last heartbeat (a watchdog’s beat, an agent’s heartbeat message)' })
  @Column({ type: 'timestamptz', nullable: true }) lastHeartbeatAt: Date | null;
  @Field(() => Float, { nullable: true, description: 'The vantage’s clock minus the API’s, in ms (includes one-way latency)' })
  @Column({ type: 'real', nullable: true }) clockOffsetMs: number | null;
  @Field(() => Float, { nullable: true }) @Column({ type: 'real', nullable: true }) probesPerSecond: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of its recent probes that failed, across all its targets (0–1)' })
  @Column({ type: 'real', nullable: true }) failingShare: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of its due probe slots it skipped or shed over the last minute instead of probing (0–1): above a trace, the vantage is overloaded and probes less often than asked' })
  @Column({ type: 'real', nullable: true }) skippedShare: number | null;
  @Field(() => Int, { description: 'Results the agent dropped from its offline buffer (oldest first) since it started' })
  @Column({ type: 'int', default: 0 }) droppedResults: number;
  @Field(() => Int, { description: 'Results the API refused from this vantage (not assigned, from the future, oversized batch)' })
  @Column({ type: 'int', default: 0 }) refusedResults: number;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) lastRefusal: string | null;
  @Field(() => Int, { description: 'Late results received from this vantage (buffered while cut off): history only, never a vote to open an incident' })
  @Column({ type: 'int', default: 0 }) replayedResults: number;
  @Field(() => Date, { nullable: true, description: 'Since when it is impaired (does not vote; its monitors move to healthy vantages); null: healthy' })
  @Column({ type: 'timestamptz', nullable: true }) impairedSince: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it is impaired: heartbeat late, clock off, most of its targets failing from it alone, never connected' })
  @Column({ type: 'text', nullable: true }) impairedReason: string | null;
  /**
   * While it is impaired: monitors it leaves without a quorum that every vantage left sees down (outages that cannot
   * be confirmed). Not in GraphQL: a platform vantage's count covers every tenant's monitors.
   */
  @Column({ type: 'int', default: 0 }) blindMonitors: number;
  /** The rules that judged it impaired (heartbeat, clock, network, absent): the network rule clears with hysteresis. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) impairedBy: string[];
  /** The monitor its vantage incidents are recorded on (a disabled, never-probed monitor of its home tenant), once made. */
  @Column({ type: 'uuid', nullable: true }) subjectMonitorId: string | null;
  /** The agent connection holding this vantage (one at a time, across API replicas) and until when its lease runs. */
  @Column({ type: 'text', nullable: true }) agentSession: string | null;
  @Column({ type: 'timestamptz', nullable: true }) agentSessionUntil: Date | null;
}
