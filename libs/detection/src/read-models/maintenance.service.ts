import { Field, ID, InputType } from '@nestjs/graphql';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ArrayMaxSize, ArrayUnique, IsDate, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, paginateBy, VigiaException } from '#lib/common';
import { HostsService, MonitorsService, ServicesService } from '#lib/inventory';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { MaintenanceWindow } from '../entities/maintenance-window.entity.js';

const idEach = { each: true, message: 'each value must be an id returned by this API' };

@InputType()
export class MaintenanceWindowInput {
  @Field() @IsString() @MinLength(1) @MaxLength(200) @Matches(/^[^\p{Cc}]+$/u, { message: 'must not contain control characters' }) name: string;
  @Field() @Type(() => Date) @IsDate() startsAt: Date;
  @Field() @Type(() => Date) @IsDate() endsAt: Date;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', idEach) hostIds?: string[];
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', idEach) serviceIds?: string[];
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', idEach) monitorIds?: string[];
}

const MAX_WINDOW_MS = 31 * 86_400_000;

function normalized(input: MaintenanceWindowInput): Partial<MaintenanceWindow> {
  return { ...input, name: input.name.trim(), hostIds: input.hostIds ?? [], serviceIds: input.serviceIds ?? [], monitorIds: input.monitorIds ?? [] };
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
    if (input.endsAt <= input.startsAt) throw VigiaException.invalid('input.endsAt', 'must be after startsAt');
    if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_WINDOW_MS) throw VigiaException.invalid('input.endsAt', 'a window lasts at most 31 days');
    if (!input.hostIds?.length && !input.serviceIds?.length && !input.monitorIds?.length) {
      throw VigiaException.invalid('input.hostIds', 'name at least one host, service or monitor');
    }
    await this.hosts.scope.getMany(principal, input.hostIds ?? [], 'input.hostIds');
    await this.services.scope.getMany(principal, input.serviceIds ?? [], 'input.serviceIds');
    await this.monitors.scope.getMany(principal, input.monitorIds ?? [], 'input.monitorIds');
  }
}
