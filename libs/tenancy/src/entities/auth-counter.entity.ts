import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Attempts per key (an account, an account at one of its known addresses, or a client address) in the current
 * window. One row per key, so reserving an attempt is one upsert that PostgreSQL serialises on the row: parallel
 * logins cannot all read "9 of 10" and all go ahead.
 */
@Entity('auth_counters')
export class AuthCounter {
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'timestamptz' }) windowStart: Date;
  @Column({ type: 'int' }) count: number;
}
