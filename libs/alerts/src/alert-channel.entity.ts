import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

import { CHANNEL_KINDS, ChannelType } from './channels/channel-kinds.js';

export { ChannelType };
// One value per registered channel kind (channels/channel-kinds.ts), described there.
registerEnumType(ChannelType, {
  name: 'ChannelType',
  valuesMap: Object.fromEntries(CHANNEL_KINDS.map((kind) => [kind.type, { description: kind.description }])),
});

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
