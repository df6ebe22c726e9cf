import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity.js';

/** A login. Opaque bearer token (not a JWT) so that logout and disabling a user take effect at once. */
@Entity('sessions')
@Index(['userId', 'clientAddress'])
export class Session {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: User;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text', unique: true }) tokenHash: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /** The client address the login came from: a later login of this user from there counts as a known address. */
  @Column({ type: 'text', nullable: true }) clientAddress: string | null;
}
