import { Field, ID, InputType } from '@nestjs/graphql';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ArrayMaxSize, ArrayUnique, IsDate, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, paginateBy, VigiaException, VisibleText } from '#lib/common';
import { HostsService, MonitorsService, ServicesService } from '#lib/inventory';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { MaintenanceWindow } from '../entities/maintenance-window.entity.js';
import { isTimeZone, lastEnd, recurrenceProblem } from '../maintenance/recurrence.js';

const idEach = { each: true, message: 'each value must be an id returned by this API' };

@InputType()
export class MaintenanceWindowInput {
  @Field() @IsString() @MinLength(1) @MaxLength(200) @VisibleText() name: string;
  @Field() @Type(() => Date) @IsDate() startsAt: Date;
  @Field() @Type(() => Date) @IsDate() endsAt: Date;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', idEach) hostIds?: string[];
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', idEach) serviceIds?: string[];
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', idEach) monitorIds?: string[];
  @Field(() => String, { nullable: true, description: 'Repeat it: an RRULE body such as FREQ=WEEKLY;BYDAY=TU (at most daily); omit for once' })
  @IsOptional() @IsString() recurrence?: string | null;
  @Field(() => String, { nullable: true, description: 'The IANA zone it repeats in (Europe/Madrid); required with a recurrence' })
  @IsOptional() @IsString() @MaxLength(64) timeZone?: string | null;
}

const MAX_WINDOW_MS = 31 * 86_400_000;

/** A window's parts, as the API takes them and fleet files write them (by id here: names are resolved before). */
export interface WindowParts {
  startsAt: Date;
  endsAt: Date;
  recurrence?: string | null;
  timeZone?: string | null;
  hostIds?: string[];
  serviceIds?: string[];
  monitorIds?: string[];
}

/**
 * Why a window cannot be stored, as `{ field, message }` (field: startsAt, endsAt, recurrence, timeZone, hostIds), or
 * undefined. The one set of rules: the API's create/update and a fleet file's maintenance section both use it.
 */
export function windowProblem(input: WindowParts): { field: keyof WindowParts; message: string } | undefined {
  if (input.endsAt <= input.startsAt) return { field: 'endsAt', message: 'must end after it starts' };
  if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_WINDOW_MS) return { field: 'endsAt', message: 'a window lasts at most 31 days' };
  const recurrence = input.recurrence?.trim().replace(/^RRULE:/i, '');
  if (recurrence) {
    const zone = input.timeZone?.trim();
    if (!zone) return { field: 'timeZone', message: 'is required to repeat a window: the time zone it repeats in, e.g. Europe/Madrid' };
    if (!isTimeZone(zone)) return { field: 'timeZone', message: 'must be a time zone name such as Europe/Madrid or America/New_York' };
    const problem = recurrenceProblem(recurrence, input.startsAt, input.endsAt, zone);
    if (problem) return { field: 'recurrence', message: problem };
  }
  if (!input.hostIds?.length && !input.serviceIds?.length && !input.monitorIds?.length) return { field: 'hostIds', message: 'name at least one host, service or monitor' };
  return undefined;
}

/** The row of a window: the recurrence without its `RRULE:` prefix, the zone only when it repeats, its last end. */
export function normalized(input: MaintenanceWindowInput | (WindowParts & { name: string })): Partial<MaintenanceWindow> {
  const recurrence = input.recurrence?.trim().replace(/^RRULE:/i, '') || null;
  const timeZone = recurrence ? (input.timeZone?.trim() ?? null) : null;
  const window = { startsAt: input.startsAt, endsAt: input.endsAt, recurrence, timeZone };
  return { ...input, ...window, name: input.name.trim(), hostIds: input.hostIds ?? [], serviceIds: input.serviceIds ?? [], monitorIds: input.monitorIds ?? [], recursUntil: lastEnd(window) };
}

@Injectable()
export class MaintenanceService {
  readonly scope: TenantScopedRepository<MaintenanceWindow>;

  constructor(
    @InjectRepository(MaintenanceWindow) repository: Repository<MaintenanceWindow>,
    private readonly hosts: HostsService,
    private readonly services: ServicesService,
    private readonly monitors: MonitorsService,
  ) {
    this.scope = new TenantScopedRepository(repository, 'maintenance window');
  }

  list(principal: Principal, page: PageArgs): Promise<Connection<MaintenanceWindow>> {
    return paginateBy(this.scope.query(principal, 'e'), page, 'startsAt', 'DESC');
  }

  async create(principal: Principal, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    await this.check(principal, input);
    return this.scope.create(principal, normalized(input));
  }

  /** An update replaces the whole window: a window is small and its parts only make sense together. */
  async update(principal: Principal, id: string, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    await this.check(principal, input);
    return this.scope.update(principal, id, normalized(input));
  }

  private async check(principal: Principal, input: MaintenanceWindowInput): Promise<void> {
    const problem = windowProblem(input);
    if (problem) throw VigiaException.invalid(`input.${problem.field}`, problem.message);
    await this.hosts.scope.getMany(principal, input.hostIds ?? [], 'input.hostIds');
    await this.services.scope.getMany(principal, input.serviceIds ?? [], 'input.serviceIds');
    await this.monitors.scope.getMany(principal, input.monitorIds ?? [], 'input.monitorIds');
  }
}
