import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { VigiaException, VisibleText } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role, roleAtLeast, TenantPeople } from '#lib/tenancy';
import type { RotationUnit, Weekday } from './resolve-shifts.js';
import { RotationUnitEnum, Schedule, ScheduleOverride, WeekdayEnum } from './schedule.entity.js';
import { SchedulesService } from './schedules.service.js';
import { IcalFeeds } from './ical-feed.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const idEach = { each: true, message: 'each value must be the id of a user of this tenant' };

@InputType()
export class RestrictionInput {
  @Field(() => [WeekdayEnum]) @IsArray() @ArrayMaxSize(7) @IsEnum(WeekdayEnum, { each: true, message: 'each day must be mon, tue, wed, thu, fri, sat or sun' }) days: Weekday[];
  @Field({ description: 'HH:MM in the schedule zone' }) @Matches(HHMM, { message: 'must be a time of day, HH:MM' }) from: string;
  @Field({ description: 'HH:MM; not after `from`: the next day' }) @Matches(HHMM, { message: 'must be a time of day, HH:MM' }) to: string;
}

@InputType()
export class LayerInput {
  @Field() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(100) @VisibleText() name: string;
  @Field(() => [ID], { description: 'In the order they take over; empty is allowed (the layer then covers nothing: a gap)' })
  @IsArray() @ArrayMaxSize(100) @IsUUID('all', idEach) participantIds: string[];
  @Field(() => Int) @IsInt({ message: 'must be a whole number' }) @Min(1, { message: 'must be at least 1' }) @Max(8760, { message: 'must be at most 8760' }) rotationEvery: number;
  @Field(() => RotationUnitEnum) @IsEnum(RotationUnitEnum, { message: 'must be hours, days or weeks' }) rotationUnit: RotationUnit;
  @Field({ description: 'First handoff, local date-time in the schedule zone: YYYY-MM-DDTHH:MM' })
  @Matches(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a local date and time, YYYY-MM-DDTHH:MM' }) start: string;
  @Field(() => [RestrictionInput], { nullable: true, description: 'When the layer is on duty; none: all the time' })
  @IsOptional() @IsArray() @ArrayMaxSize(21) @ValidateNested({ each: true }) @Type(() => RestrictionInput) restrictions?: RestrictionInput[];
}

@InputType()
export class ScheduleInput {
  @Field() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(100) @VisibleText() name: string;
  @Field({ description: 'IANA time zone, e.g. Europe/Madrid' }) @IsString() @MaxLength(64) timeZone: string;
  @Field(() => [LayerInput], { description: 'Bottom first: a later layer wins where it has someone' })
  @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => LayerInput) layers: LayerInput[];
}

@InputType()
export class OverrideInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be the id of a schedule' }) scheduleId: string;
  @Field(() => ID) @IsUUID('all', { message: 'must be the id of a user of this tenant' }) userId: string;
  @Field() @Type(() => Date) @IsDate({ message: 'must be a date and time' }) startsAt: Date;
  @Field() @Type(() => Date) @IsDate({ message: 'must be a date and time' }) endsAt: Date;
}

@ObjectType()
export class ScheduleShift {
  @Field() start: Date;
  @Field() end: Date;
  @Field(() => ID, { nullable: true, description: 'Null: nobody is on call (a gap)' }) userId: string | null;
  @Field(() => String, { nullable: true }) userName: string | null;
  @Field(() => String, { nullable: true, description: 'The layer, "override", or null in a gap' }) source: string | null;
  @Field() gap: boolean;
}

@ObjectType()
export class OnCallNow {
  @Field(() => ID) scheduleId: string;
  @Field() scheduleName: string;
  @Field() timeZone: string;
  @Field(() => ScheduleShift, { description: 'The shift holding the instant asked about, from that instant; its end is at most 14 days later' }) shift: ScheduleShift;
  @Field(() => Date, {
    nullable: true,
    description: 'When someone else (or nobody) takes over: the shift\'s end; null when the same person (or the same gap) holds all of the 14 days looked at — a one-person rota has no handover, and `shift.end` is then only where the look ended',
  })
  handover: Date | null;
}

/** How far ahead who-is-on-call looks: the shift holding the instant is cut there. */
const ON_CALL_HORIZON_MS = 14 * 86_400_000;

@Resolver(() => Schedule)
export class SchedulesResolver {
  constructor(
    private readonly service: SchedulesService,
    private readonly people: TenantPeople,
    private readonly feeds: IcalFeeds,
  ) {}

  private async named(tenantId: string, shifts: { start: number; end: number; userId: string | null; source: string | null }[]): Promise<ScheduleShift[]> {
    const names = await this.people.of(tenantId, shifts.flatMap((s) => (s.userId ? [s.userId] : [])));
    return shifts.map((s) => ({ start: new Date(s.start), end: new Date(s.end), userId: s.userId, userName: s.userId ? (names.get(s.userId)?.displayName ?? null) : null, source: s.source, gap: s.userId === null }));
  }

  @Query(() => [Schedule])
  schedules(@CurrentPrincipal() principal: Principal): Promise<Schedule[]> {
    return this.service.scope.query(principal, 's').orderBy('s.name').getMany();
  }

  @Query(() => Schedule)
  schedule(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Schedule> {
    return this.service.scope.get(principal, id);
  }

  @ResolveField(() => [ScheduleShift], { description: 'The final schedule over [from, to) (at most 93 days), gaps included; default: the next 14 days' })
  async shifts(@Parent() schedule: Schedule, @Args('from', { nullable: true }) from?: Date, @Args('to', { nullable: true }) to?: Date): Promise<ScheduleShift[]> {
    const start = from?.getTime() ?? this.service.now();
    const end = to?.getTime() ?? start + 14 * 86_400_000;
    return this.named(schedule.tenantId, await this.service.shifts(schedule, start, end));
  }

  @ResolveField(() => [ScheduleOverride], { description: 'Overrides that have not ended yet' })
  overrides(@Parent() schedule: Schedule): Promise<ScheduleOverride[]> {
    const now = this.service.now();
    return this.service.overridesOf(schedule.tenantId, schedule.id, now, now + 366 * 86_400_000);
  }

  @ResolveField(() => String, { nullable: true, description: 'A signed iCal feed of this schedule (operators and up); anyone with the link can read the shifts' })
  icalUrl(@CurrentPrincipal() principal: Principal, @Parent() schedule: Schedule): string | null {
    return principal.role === Role.viewer ? null : this.feeds.scheduleUrl(schedule.tenantId, schedule.id);
  }

  @Query(() => [OnCallNow], { description: 'Who is on call at `at` (default now) in every schedule, or in one' })
  async whoIsOnCall(@CurrentPrincipal() principal: Principal, @Args('at', { nullable: true }) at?: Date, @Args('scheduleId', { type: () => ID, nullable: true }) scheduleId?: string): Promise<OnCallNow[]> {
    const instant = at?.getTime() ?? this.service.now();
    const list = scheduleId ? [await this.service.scope.get(principal, scheduleId, 'scheduleId')] : await this.schedules(principal);
    const out: OnCallNow[] = [];
    for (const schedule of list) {
      const [shift] = await this.named(principal.tenantId, (await this.service.shifts(schedule, instant, instant + ON_CALL_HORIZON_MS)).slice(0, 1));
      const handover = shift!.end.getTime() < instant + ON_CALL_HORIZON_MS ? shift!.end : null;
      out.push({ scheduleId: schedule.id, scheduleName: schedule.name, timeZone: schedule.timeZone, shift: shift!, handover });
    }
    return out;
  }

  @Query(() => String, { description: 'A signed iCal feed of one person’s shifts in every schedule; your own, or anyone’s for admins' })
  async personIcalUrl(@CurrentPrincipal() principal: Principal, @Args('userId', { type: () => ID, nullable: true }) userId?: string): Promise<string> {
    const who = userId ?? principal.userId;
    if (!who) throw VigiaException.invalid('userId', 'an API token has no person of its own; name the user');
    if (!(await this.people.of(principal.tenantId, [who])).has(who)) throw VigiaException.notFound('user', 'userId');
    if (who !== principal.userId && !roleAtLeast(principal.role, Role.admin)) throw new VigiaException('FORBIDDEN', 'only admins may read another person’s calendar link', 'userId');
    return this.feeds.personUrl(principal.tenantId, who);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Schedule)
  createSchedule(@CurrentPrincipal() principal: Principal, @Args('input') input: ScheduleInput): Promise<Schedule> {
    return this.service.create(principal, { ...input, layers: input.layers.map((l) => ({ ...l, restrictions: l.restrictions ?? [] })) });
  }

  @RequireRole(Role.admin)
  @Mutation(() => Schedule)
  updateSchedule(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: ScheduleInput): Promise<Schedule> {
    return this.service.update(principal, id, { ...input, layers: input.layers.map((l) => ({ ...l, restrictions: l.restrictions ?? [] })) });
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  deleteSchedule(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.scope.delete(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => ScheduleOverride, { description: 'Someone covers the schedule from startsAt to endsAt (operators and up: swaps happen at night)' })
  addScheduleOverride(@CurrentPrincipal() principal: Principal, @Args('input') input: OverrideInput): Promise<ScheduleOverride> {
    return this.service.addOverride(principal, input.scheduleId, input.userId, input.startsAt, input.endsAt);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Boolean)
  deleteScheduleOverride(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.overrideScope.delete(principal, id);
  }
}
