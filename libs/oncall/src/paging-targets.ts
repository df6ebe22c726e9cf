import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantPeople } from '#lib/tenancy';
import { ContactKind, ContactMethod, PhoneMode } from './people/contact-method.entity.js';
import { PeopleService } from './people/people.service.js';
import { Schedule } from './schedules/schedule.entity.js';
import { SchedulesService } from './schedules/schedules.service.js';

/** One page to one person by one of their rules: where (kind, address) and how long after they are paged. */
export interface PersonalPage {
  /** The rule's id, or `default` (no rules: their login e-mail at once). */
  ruleId: string;
  delayMinutes: number;
  kind: ContactKind;
  address: string;
  phoneMode: PhoneMode | null;
}

export interface ScheduleVerdict {
  scheduleId: string;
  scheduleName: string;
  timeZone: string;
  /** Null: nobody on call at that instant (a gap). */
  userId: string | null;
  userName: string | null;
}

/**
 * The on-call library's port for alerts (which sits downstream) and fleet files: who a schedule names at an instant,
 * how a person wants to be paged, which person a chat account is, schedules by name. No SQL on these tables outside
 * this library.
 */
@Injectable()
export class PagingTargets {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly people: PeopleService,
    private readonly tenantPeople: TenantPeople,
  ) {}

  /** Who is on call in the schedule at `at` (undefined: no such schedule in this tenant). */
  async onCall(tenantId: string, scheduleId: string, at: Date): Promise<ScheduleVerdict | undefined> {
    const found = await this.schedules.onCall(tenantId, scheduleId, at.getTime());
    if (!found) return undefined;
    const userId = found.shift.userId;
    const person = userId ? (await this.tenantPeople.of(tenantId, [userId])).get(userId) : undefined;
    return { scheduleId, scheduleName: found.schedule.name, timeZone: found.schedule.timeZone, userId: person ? userId : null, userName: person?.displayName ?? null };
  }

  /** A person's pages in order of delay; with no rules of their own, an e-mail to their login address at once. Undefined: no such enabled user. */
  async pagesFor(tenantId: string, userId: string): Promise<{ name: string; pages: PersonalPage[] } | undefined> {
    const person = (await this.tenantPeople.of(tenantId, [userId])).get(userId);
    if (!person) return undefined;
    const rules = await this.people.rulesOf(tenantId, userId);
    if (!rules.length) return { name: person.displayName, pages: [{ ruleId: 'default', delayMinutes: 0, kind: ContactKind.email, address: person.email, phoneMode: null }] };
    const methods = new Map<string, ContactMethod>((await this.people.list(tenantId, userId)).map((m) => [m.id, m]));
    return {
      name: person.displayName,
      pages: rules.flatMap((r) => {
        const m = methods.get(r.contactMethodId);
        return m ? [{ ruleId: r.id, delayMinutes: r.delayMinutes, kind: m.kind, address: m.address, phoneMode: r.phoneMode }] : [];
      }),
    };
  }

  /** The Vigia user a chat account is mapped to (one at most, by a unique index); undefined: unknown, may not acknowledge. */
  async chatUser(tenantId: string, kind: ContactKind, address: string): Promise<string | undefined> {
    return (await this.people.methods.findOne({ where: { tenantId, kind, address }, select: { userId: true } }))?.userId;
  }

  async exists(tenantId: string, kind: 'schedule' | 'user', id: string): Promise<boolean> {
    if (kind === 'user') return (await this.tenantPeople.of(tenantId, [id])).has(id);
    return (await this.schedules.scope.repository.count({ where: { tenantId, id } })) > 0;
  }

  /** Every schedule of a tenant by its name (unique in the tenant), its id: a fleet file names schedules so. */
  async scheduleIdsByName(tenantId: string, manager?: EntityManager): Promise<Map<string, string>> {
    // Within the caller's transaction when it has one: a second connection asked for while holding one is how 20
    // concurrent fleet exports once took the whole pool and waited on each other for ever.
    const repository = manager ? manager.getRepository(Schedule) : this.schedules.scope.repository;
    const rows = await repository.find({ where: { tenantId }, select: { id: true, name: true } });
    return new Map(rows.map((s) => [s.name, s.id]));
  }

  /** Every schedule of a tenant, by id: its name and zone (the paging report counts night pages in the schedule's zone). */
  async scheduleFacts(tenantId: string): Promise<Map<string, { name: string; timeZone: string }>> {
    const rows = await this.schedules.scope.repository.find({ where: { tenantId }, select: { id: true, name: true, timeZone: true } });
    return new Map(rows.map((s) => [s.id, { name: s.name, timeZone: s.timeZone }]));
  }
}
