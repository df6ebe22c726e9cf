import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant, User } from '#lib/tenancy';
import { ROTATION_UNITS, type RotationUnit, WEEKDAYS, type Weekday } from './resolve-shifts.js';

export const RotationUnitEnum = Object.fromEntries(ROTATION_UNITS.map((u) => [u, u])) as { [K in RotationUnit]: K };
export const WeekdayEnum = Object.fromEntries(WEEKDAYS.map((d) => [d, d])) as { [K in Weekday]: K };
registerEnumType(RotationUnitEnum, { name: 'RotationUnit', description: 'hours (real hours), days or weeks (calendar days in the schedule zone)' });
registerEnumType(WeekdayEnum, { name: 'Weekday' });

@ObjectType()
export class ScheduleRestriction {
  @Field(() => [WeekdayEnum]) days: Weekday[];
  @Field({ description: 'HH:MM in the schedule zone' }) from: string;
  @Field({ description: 'HH:MM in the schedule zone; not after `from`: the next day' }) to: string;
}

/** A layer as stored (jsonb) and shown: the rotation's people in order, its length, first handoff and restrictions. */
@ObjectType()
export class ScheduleLayer {
  @Field() name: string;
  @Field(() => [ID], { description: 'Users in the order they take over' }) participantIds: string[];
  @Field(() => Int) rotationEvery: number;
  @Field(() => RotationUnitEnum) rotationUnit: RotationUnit;
  @Field({ description: 'First handoff, local date-time in the schedule zone (YYYY-MM-DDTHH:MM); later handoffs keep its time of day' }) start: string;
  @Field(() => [ScheduleRestriction], { description: 'Empty: on duty all the time' }) restrictions: ScheduleRestriction[];
}

/** An on-call schedule: layers of rotations (a later layer above an earlier one) in one IANA zone, overrides on top. */
@ObjectType()
@Entity('schedules')
@Index(['tenantId', 'name'], { unique: true })
export class Schedule {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field({ description: 'IANA zone the handoffs and restrictions are read in' }) @Column({ type: 'text' }) timeZone: string;
  @Field(() => [ScheduleLayer], { description: 'Bottom first' }) @Column({ type: 'jsonb' }) layers: ScheduleLayer[];
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Someone covers a schedule from–to, above every layer. */
@ObjectType()
@Entity('schedule_overrides')
@Index(['scheduleId', 'startsAt'])
export class ScheduleOverride {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) scheduleId: string;
  @ManyToOne(() => Schedule, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'schedule_id' }) schedule?: Schedule;
  @Field(() => ID) @Column({ type: 'uuid' }) userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: User;
  @Field() @Column({ type: 'timestamptz' }) startsAt: Date;
  @Field() @Column({ type: 'timestamptz' }) endsAt: Date;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
