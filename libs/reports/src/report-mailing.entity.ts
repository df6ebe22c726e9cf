import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One monthly report e-mail to one customer. The unique (customer, month) row is the claim: whichever process
 * inserts it sends; the others find it taken. A send cut short stays `sending` and is not repeated by itself
 * (better one missing e-mail an operator sees than two the customer does).
 */
@Entity('report_mailings')
@Index(['customerId', 'month'], { unique: true })
export class ReportMailing {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) customerId: string;
  @Column({ type: 'text' }) month: string;
  @Column({ type: 'text' }) status: 'sending' | 'sent' | 'failed';
  @Column({ type: 'int', default: 1 }) attempts: number;
  @Column({ type: 'text', nullable: true }) detail: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
