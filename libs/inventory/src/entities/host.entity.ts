import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Check, Column, CreateDateColumn, DeleteDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { HostKind } from './enums.js';
import { Site } from './site.entity.js';
import { SshCredential } from './ssh-credential.entity.js';

@ObjectType({ description: 'A physical server, VM or hypervisor' })
@Entity('hosts')
// Unique among the live ones: a deleted subject's name can be used again.
@Index(['tenantId', 'name'], { unique: true, where: '"deleted_at" IS NULL' })
@Check('ck_hosts_ssh_port', '"ssh_port" BETWEEN 1 AND 65535')
export class Host {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field({ description: 'Host name (RFC 1123), unique in the tenant' }) @Column({ type: 'text' }) name: string;
  @Field(() => HostKind) @Column({ type: 'enum', enum: HostKind, enumName: 'host_kind', default: HostKind.physical }) kind: HostKind;
  @Field(() => [String], { description: 'IPv4/IPv6 addresses, the first is the one probes use by default' })
  @Column({ type: 'text', array: true }) addresses: string[];
  @Field(() => ID, { nullable: true }) @Index() @Column({ type: 'uuid', nullable: true }) siteId: string | null;
  @ManyToOne(() => Site, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'site_id' }) site?: Site;
  @Field(() => [String]) @Column({ type: 'text', array: true, default: () => "'{}'" }) tags: string[];
  @Field(() => Int) @Column({ type: 'int', default: 22 }) sshPort: number;
  @Field() @Column({ type: 'text', default: 'root' }) sshUser: string;
  @Field(() => String, { nullable: true, description: 'Pinned SSH host key (SHA256:…); a host presenting another key is refused' })
  @Column({ type: 'text', nullable: true }) sshHostKey: string | null;
  @Field(() => ID, { nullable: true }) @Column({ type: 'uuid', nullable: true }) sshCredentialId: string | null;
  @ManyToOne(() => SshCredential, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'ssh_credential_id' }) sshCredential?: SshCredential;
  @Field(() => ID, { nullable: true }) @Column({ type: 'uuid', nullable: true }) sshJumpHostId: string | null;
  @ManyToOne(() => Host, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'ssh_jump_host_id' }) sshJumpHost?: Host;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  /** Set by a delete: the subject is hidden from the inventory, its history stays and reports count it until then. */
  @DeleteDateColumn({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}
