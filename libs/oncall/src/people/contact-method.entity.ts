import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant, User } from '#lib/tenancy';

/** How a person can be reached: an e-mail address, a phone (E.164, for SMS and voice), or a chat account. */
export enum ContactKind {
  email = 'email',
  phone = 'phone',
  slack = 'slack',
  telegram = 'telegram',
  teams = 'teams',
  discord = 'discord',
  mattermost = 'mattermost',
}
registerEnumType(ContactKind, { name: 'ContactKind' });

export const CHAT_KINDS: ContactKind[] = [ContactKind.slack, ContactKind.telegram, ContactKind.teams, ContactKind.discord, ContactKind.mattermost];

/** How a phone is used by a rule. */
export enum PhoneMode {
  sms = 'sms',
  voice = 'voice',
}
registerEnumType(PhoneMode, { name: 'PhoneMode' });

/**
 * One way to reach one user. A chat account belongs to at most one user of a tenant (partial unique index), so an
 * acknowledgement from a chat names exactly one person.
 */
@ObjectType()
@Entity('contact_methods')
@Index(['tenantId', 'kind', 'address'], { unique: true, where: "kind NOT IN ('email', 'phone')" })
@Index(['userId'])
export class ContactMethod {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: User;
  @Field(() => ContactKind) @Column({ type: 'text' }) kind: ContactKind;
  @Field({ description: 'E-mail address, phone number in E.164 (+34600111222), or the chat account id' }) @Column({ type: 'text' }) address: string;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) label: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A personal notification rule: "SMS at once", "voice after 5 minutes if not acknowledged". */
@ObjectType()
@Entity('notification_rules')
@Index(['userId'])
export class NotificationRule {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: User;
  @Field(() => ID) @Column({ type: 'uuid' }) contactMethodId: string;
  @ManyToOne(() => ContactMethod, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'contact_method_id' }) contactMethod?: ContactMethod;
  @Field(() => Int, { description: 'Minutes after the person is paged; later rules go out only while nobody has acknowledged' }) @Column({ type: 'int' }) delayMinutes: number;
  @Field(() => PhoneMode, { nullable: true, description: 'For a phone: sms or voice' }) @Column({ type: 'text', nullable: true }) phoneMode: PhoneMode | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
