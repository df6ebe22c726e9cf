import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Temporal } from '@js-temporal/polyfill';
import { DataSource, Repository } from 'typeorm';
import { canonicalTimeZone, CLOCK, type Clock, VigiaException, withDatabaseErrors } from '#lib/common';
import { type Principal, TenantPeople, TenantScopedRepository } from '#lib/tenancy';
import { resolveShifts, type ScheduleRules, type Shift } from './resolve-shifts.js';
import { Schedule, type ScheduleLayer, ScheduleOverride } from './schedule.entity.js';

export const MAX_SHIFT_WINDOW_MS = 93 * 86_400_000;

export interface ScheduleFields {
  name: string;
  timeZone: string;
  layers: ScheduleLayer[];
}

/** A schedule's rules in the pure resolver's terms. */
export function rulesOf(schedule: Pick<Schedule, 'timeZone' | 'layers'>, overrides: Pick<ScheduleOverride, 'id' | 'userId' | 'startsAt' | 'endsAt'>[]): ScheduleRules {
  return {
    timeZone: schedule.timeZone,
    layers: schedule.layers.map((l) => ({ name: l.name, participants: l.participantIds, rotation: { every: l.rotationEvery, unit: l.rotationUnit }, start: l.start, restrictions: l.restrictions })),
    overrides: overrides.map((o) => ({ id: o.id, userId: o.userId, startsAt: o.startsAt.getTime(), endsAt: o.endsAt.getTime() })),
  };
}

/** Whether `zone` is an IANA time zone this runtime knows (a fixed offset is not: it keeps no daylight saving). */
export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}

/** Schedules and their overrides: saving (checked, whole or nothing) and resolving who is on call. */
@Injectable()
export class SchedulesService {
  readonly scope: TenantScopedRepository<Schedule>;
  readonly overrideScope: TenantScopedRepository<ScheduleOverride>;

  constructor(
    @InjectRepository(Schedule) schedules: Repository<Schedule>,
    @InjectRepository(ScheduleOverride) private readonly overrides: Repository<ScheduleOverride>,
    private readonly dataSource: DataSource,
    private readonly people: TenantPeople,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.scope = new TenantScopedRepository(schedules, 'schedule');
    this.overrideScope = new TenantScopedRepository(overrides, 'schedule override');
  }

  async checked(principal: Principal, input: ScheduleFields): Promise<ScheduleFields> {
    if (!isTimeZone(input.timeZone)) throw VigiaException.invalid('input.timeZone', `must be an IANA time zone such as Europe/Madrid (not a fixed offset: it keeps no daylight saving), not "${input.timeZone}"`);
    const everyone = await this.people.of(principal.tenantId, input.layers.flatMap((l) => l.participantIds));
    for (const [i, layer] of input.layers.entries()) {
      for (const [j, id] of layer.participantIds.entries()) {
        if (!everyone.has(id)) throw VigiaException.notFound('user', `input.layers[${i}].participantIds[${j}]`);
      }
      for (const [k, r] of layer.restrictions.entries()) {
        // A restriction with no day keeps the layer off duty for ever: all gap, nobody paged, and nothing said.
        if (!r.days.length) throw VigiaException.invalid(`input.layers[${i}].restrictions[${k}].days`, 'choose at least one day (with none, the layer is never on call)');
      }
      try {
        Temporal.PlainDateTime.from(layer.start, { overflow: 'reject' });
      } catch {
        throw VigiaException.invalid(`input.layers[${i}].start`, 'must be a local date and time, YYYY-MM-DDTHH:MM');
      }
    }
    const names = input.layers.map((l) => l.name.trim());
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw VigiaException.invalid('input.layers', `two layers are named "${twice}"; give each its own name`);
    return { name: input.name.trim(), timeZone: canonicalTimeZone(input.timeZone)!, layers: input.layers.map((l) => ({ ...l, name: l.name.trim(), restrictions: l.restrictions.map((r) => ({ ...r })) })) };
  }

  async create(principal: Principal, input: ScheduleFields): Promise<Schedule> {
    return this.scope.create(principal, await this.checked(principal, input));
  }

  async update(principal: Principal, id: string, input: ScheduleFields): Promise<Schedule> {
    return this.scope.update(principal, id, await this.checked(principal, input));
  }

  async addOverride(principal: Principal, scheduleId: string, userId: string, startsAt: Date, endsAt: Date): Promise<ScheduleOverride> {
    const schedule = await this.scope.get(principal, scheduleId, 'input.scheduleId');
    if (!(await this.people.of(principal.tenantId, [userId])).has(userId)) throw VigiaException.notFound('user', 'input.userId');
    if (!(endsAt > startsAt)) throw VigiaException.invalid('input.endsAt', 'must be after the start');
    if (endsAt.getTime() - startsAt.getTime() > MAX_SHIFT_WINDOW_MS) throw VigiaException.invalid('input.endsAt', 'an override lasts at most 93 days');
    return withDatabaseErrors(() => this.overrides.save(this.overrides.create({ tenantId: principal.tenantId, scheduleId: schedule.id, userId, startsAt, endsAt })));
  }

  async overridesOf(tenantId: string, scheduleId: string, from: number, to: number): Promise<ScheduleOverride[]> {
    return this.overrides
      .createQueryBuilder('o')
      .where('o.tenant_id = :tenantId AND o.schedule_id = :scheduleId AND o.ends_at > :from AND o.starts_at < :to', { tenantId, scheduleId, from: new Date(from), to: new Date(to) })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .getMany();
  }

  /** The final schedule over [from, to), gaps included (`userId` null). */
  async shifts(schedule: Schedule, from: number, to: number): Promise<Shift[]> {
    if (!(to > from)) throw VigiaException.invalid('to', 'must be after from');
    if (to - from > MAX_SHIFT_WINDOW_MS) throw VigiaException.invalid('to', 'a window covers at most 93 days');
    return resolveShifts(rulesOf(schedule, await this.overridesOf(schedule.tenantId, schedule.id, from, to)), from, to);
  }

  /** Who is on call at `at` in one schedule of a tenant (undefined: no such schedule), and until when. */
  async onCall(tenantId: string, scheduleId: string, at: number): Promise<{ schedule: Schedule; shift: Shift } | undefined> {
    const schedule = await this.scope.repository.findOne({ where: { id: scheduleId, tenantId } });
    if (!schedule) return undefined;
    const [shift] = await this.shifts(schedule, at, at + 14 * 86_400_000);
    return { schedule, shift: shift! };
  }

  now(): number {
    return this.clock.now().getTime();
  }

  /** Schedules of a tenant a person appears in (a layer or an override), for their personal calendar. */
  async schedulesOf(tenantId: string, userId: string): Promise<Schedule[]> {
    return this.dataSource.getRepository(Schedule)
      .createQueryBuilder('s')
      .where('s.tenant_id = :tenantId', { tenantId })
      .andWhere(`(EXISTS (SELECT 1 FROM jsonb_array_elements(s.layers) l WHERE l->'participantIds' ? CAST(:userId AS text)) OR EXISTS (SELECT 1 FROM schedule_overrides o WHERE o.schedule_id = s.id AND o.user_id = CAST(:userId AS uuid)))`, { userId })
      .orderBy('s.name')
      .getMany();
  }
}
