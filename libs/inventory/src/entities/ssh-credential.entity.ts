import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

/** An SSH private key hosts use for Vigia's access. Sealed at rest (AES-256-GCM); only its public half is ever shown. */
@ObjectType()
@Entity('ssh_credentials')
@Index(['tenantId', 'name'], { unique: true })
export class SshCredential {
  @Field(() => ID) @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field({ description: 'Add this line to authorized_keys on the hosts' }) @Column({ type: 'text' }) publicKey: string;
  @Field() @Column({ type: 'text' }) fingerprint: string;
  @Column({ type: 'text' }) privateKeySealed: string;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
