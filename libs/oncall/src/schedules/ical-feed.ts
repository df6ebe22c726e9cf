import { Controller, Get, Header, Inject, Injectable, NotFoundException, Param, Query } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import ical from 'ical-generator';
import { CLOCK, type Clock, isUuid } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { SecretBox } from '#lib/secrets';
import { TenantPeople } from '#lib/tenancy';
import { SchedulesService } from './schedules.service.js';

const DAY_MS = 86_400_000;
/** What a feed covers: a week back (so yesterday's shift is still in the calendar) and eight weeks ahead. */
const BACK_MS = 7 * DAY_MS;
const AHEAD_MS = 56 * DAY_MS;

type FeedKind = 'schedule' | 'person';

/**
 * Signed iCal links: `/oncall/ical/<schedule|person>/<id>.ics?t=<tenant>&s=<hmac>`. Calendar apps poll a subscribed
 * URL without credentials, so the link is the credential: HMAC over kind, tenant and id with a key derived from the
 * master key (a new master key revokes every link). It shows names and times of shifts, nothing else.
 */
@Injectable()
export class IcalFeeds {
  private readonly key: Buffer;

  constructor(
    box: SecretBox,
    private readonly config: VigiaConfig,
  ) {
    this.key = box.deriveKey('vigia ical feeds v1');
  }

  scheduleUrl(tenantId: string, scheduleId: string): string {
    return this.url('schedule', tenantId, scheduleId);
  }

  personUrl(tenantId: string, userId: string): string {
    return this.url('person', tenantId, userId);
  }

  private url(kind: FeedKind, tenantId: string, id: string): string {
    return `${this.config.publicUrl}/oncall/ical/${kind}/${id}.ics?t=${tenantId}&s=${this.sign(kind, tenantId, id)}`;
  }

  verify(kind: FeedKind, id: string, tenantId: unknown, signature: unknown): boolean {
    if (typeof tenantId !== 'string' || typeof signature !== 'string' || !isUuid(tenantId) || !isUuid(id)) return false;
    const expected = Buffer.from(this.sign(kind, tenantId, id), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(kind: FeedKind, tenantId: string, id: string): string {
    return createHmac('sha256', this.key).update(`${kind}|${tenantId}|${id}`).digest('base64url');
  }
}

/** The feeds themselves (RFC 5545 written by ical-generator), in UTC; a forged or foreign link answers 404. */
@Controller('oncall/ical')
export class IcalController {
  constructor(
    private readonly feeds: IcalFeeds,
    private readonly schedules: SchedulesService,
    private readonly people: TenantPeople,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('schedule/:file')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async schedule(@Param('file') file: string, @Query('t') tenantId: unknown, @Query('s') signature: unknown): Promise<string> {
    const id = file.replace(/\.ics$/, '');
    if (!this.feeds.verify('schedule', id, tenantId, signature)) throw new NotFoundException();
    const schedule = await this.schedules.scope.repository.findOne({ where: { id, tenantId: tenantId as string } });
    if (!schedule) throw new NotFoundException();
    const now = this.clock.now().getTime();
    const shifts = await this.schedules.shifts(schedule, now - BACK_MS, now + AHEAD_MS);
    const names = await this.people.of(schedule.tenantId, shifts.flatMap((s) => (s.userId ? [s.userId] : [])));
    const cal = ical({ name: `On call: ${schedule.name}`, prodId: { company: 'Vigia', product: 'on-call', language: 'EN' } });
    for (const s of shifts) {
      const who = s.userId ? (names.get(s.userId)?.displayName ?? 'a former user') : null;
      cal.createEvent({
        id: `${schedule.id}-${s.start}-${s.userId ?? 'gap'}@vigia`,
        start: new Date(s.start),
        end: new Date(s.end),
        stamp: new Date(now),
        summary: who ? `${who} on call (${schedule.name})` : `Nobody on call (${schedule.name})`,
        description: who ? `${s.source === 'override' ? 'Override' : `Layer ${s.source}`}, times in ${schedule.timeZone} on the dashboard` : 'A gap: an escalation to this schedule now falls through to its next level',
      });
    }
    return cal.toString();
  }

  @Get('person/:file')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async person(@Param('file') file: string, @Query('t') tenantId: unknown, @Query('s') signature: unknown): Promise<string> {
    const id = file.replace(/\.ics$/, '');
    if (!this.feeds.verify('person', id, tenantId, signature)) throw new NotFoundException();
    const person = (await this.people.of(tenantId as string, [id])).get(id);
    if (!person) throw new NotFoundException();
    const now = this.clock.now().getTime();
    const cal = ical({ name: `On call: ${person.displayName}`, prodId: { company: 'Vigia', product: 'on-call', language: 'EN' } });
    for (const schedule of await this.schedules.schedulesOf(tenantId as string, id)) {
      for (const s of await this.schedules.shifts(schedule, now - BACK_MS, now + AHEAD_MS)) {
        if (s.userId !== id) continue;
        cal.createEvent({ id: `${schedule.id}-${s.start}-${id}@vigia`, start: new Date(s.start), end: new Date(s.end), stamp: new Date(now), summary: `On call: ${schedule.name}`, description: s.source === 'override' ? 'Override' : `Layer ${s.source}` });
      }
    }
    return cal.toString();
  }
}
