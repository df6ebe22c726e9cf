import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant, User } from '#lib/tenancy';

/** Who a chat user is in Vigia: one chat user (per provider) is one Vigia user; only a mapped user acknowledges from the chat. */
@ObjectType()
@Entity('chat_identities')
@Index(['tenantId', 'provider', 'chatUserId'], { unique: true })
export class ChatIdentity {
  @Field(() => ID) @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field({ description: 'slack, telegram or sms' }) @Column({ type: 'text' }) provider: string;
  @Field({ description: "The chat's user id (Slack U…, Telegram's numeric id) or, for sms, the phone number in E.164" }) @Column({ type: 'text' }) chatUserId: string;
  @Field(() => ID) @Column({ type: 'uuid' }) userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: User;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
