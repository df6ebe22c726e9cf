import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'A hosting company using Vigia; everything else belongs to exactly one tenant' })
@Entity('tenants')
export class Tenant {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Field({ description: 'Short name used at login' }) @Column({ type: 'text', unique: true }) slug: string;
  @Field() @Column({ type: 'text' }) name: string;
  @Field() @Column({ type: 'text', default: 'UTC' }) timeZone: string;
  @Field({ description: 'E-mail the customers affected by an outage (and its end). Off by default.' })
  @Column({ type: 'boolean', default: false }) customerNotices: boolean;
  @Field({ description: 'Send each opted-in customer its monthly report e-mail. Off by default.' })
  @Column({ type: 'boolean', default: false }) monthlyReports: boolean;
  @Field(() => Date, { nullable: true, description: 'When monthly e-mails were last switched on: no e-mail is sent for a month that ended before' })
  @Column({ type: 'timestamptz', nullable: true }) monthlyReportsSince: Date | null;
  @Field({ description: 'Language of customer reports for customers without their own (en, es, pt, de, fr)' })
  @Column({ type: 'text', default: 'en' }) defaultLanguage: string;
  @Field(() => String, { nullable: true, description: 'Brand colour (#rrggbb) of customer pages, PDFs and e-mails' })
  @Column({ type: 'text', nullable: true }) primaryColor: string | null;
  /** The logo as a data: URL (PNG or JPEG, at most 256 KiB). Not selected by default: up to ~350 KB per row. */
  @Column({ type: 'text', nullable: true, select: false }) logo?: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
