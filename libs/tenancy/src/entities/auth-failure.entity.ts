import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One failed login or bad token, kept for the rate-limit window; shared by every API replica through the database. */
@Entity('auth_failures')
@Index(['key', 'at'])
export class AuthFailure {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'text' }) key: string;
  @Column({ type: 'timestamptz' }) at: Date;
}
