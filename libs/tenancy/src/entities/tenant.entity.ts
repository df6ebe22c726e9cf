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
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
