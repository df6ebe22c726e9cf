import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from './role.js';
import { Tenant } from './tenant.entity.js';

@ObjectType()
@Entity('users')
@Index(['tenantId', 'email'], { unique: true })
export class User {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) email: string;
  @Field() @Column({ type: 'text' }) displayName: string;
  @Field(() => Role) @Column({ type: 'enum', enum: Role, enumName: 'role' }) role: Role;
  @Column({ type: 'text' }) passwordHash: string;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) disabledAt: Date | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
