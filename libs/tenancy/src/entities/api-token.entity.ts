import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from './role.js';
import { Tenant } from './tenant.entity.js';

/** A token for automation. Only a SHA-256 of the secret is stored: it is shown once, at creation. */
@ObjectType()
@Entity('api_tokens')
export class ApiToken {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => Role) @Column({ type: 'enum', enum: Role, enumName: 'role' }) role: Role;
  @Column({ type: 'text', unique: true }) tokenHash: string;
  @Field({ description: 'The first characters of the token, to recognise it' }) @Column({ type: 'text' }) prefix: string;
  @Field(() => ID, { nullable: true }) @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}
