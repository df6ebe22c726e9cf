import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

export enum ChannelType {
  email = 'email',
  pagerduty = 'pagerduty',
  opsgenie = 'opsgenie',
  webhook = 'webhook',
}
registerEnumType(ChannelType, { name: 'ChannelType' });

/** Where alerts go. Non-secret settings in `config`; the routing key, API key or signing secret sealed at rest. */
@ObjectType()
@Entity('alert_channels')
@Index(['tenantId', 'name'], { unique: true })
export class AlertChannel {
  @Field(() => ID) @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => ChannelType) @Column({ type: 'text' }) type: ChannelType;
  @Field(() => GraphQLJSONObject) @Column({ type: 'jsonb' }) config: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) secretSealed: string | null;
  @Field() @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
