import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One key's attempts in its current one-minute window, shared by every API process (the public forms' limits).
 * The key is an HMAC of what is counted (a client address, a page id) under a key the database does not hold: no
 * address in clear, nor one found again by trying them all; rows of windows over for two minutes are deleted (see
 * shared-minute-throttle.ts), so the table holds about two minutes of keys.
 */
@Entity('status_throttle')
@Index('IDX_status_throttle_window', ['windowStart'])
export class StatusThrottleCount {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_status_throttle' }) key: string;
  @Column({ type: 'timestamptz' }) windowStart: Date;
  @Column({ type: 'int' }) count: number;
}
