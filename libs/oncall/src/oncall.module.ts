import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenancyPortsModule } from '#lib/tenancy';
import { PagingTargets } from './paging-targets.js';
import { ContactMethod, NotificationRule } from './people/contact-method.entity.js';
import { PeopleResolver } from './people/people.resolver.js';
import { PeopleService } from './people/people.service.js';
import { IcalController, IcalFeeds } from './schedules/ical-feed.js';
import { Schedule, ScheduleOverride } from './schedules/schedule.entity.js';
import { SchedulesResolver } from './schedules/schedules.resolver.js';
import { SchedulesService } from './schedules/schedules.service.js';

export const ONCALL_ENTITIES = [Schedule, ScheduleOverride, ContactMethod, NotificationRule];

/** The port alerts use to resolve schedules and people when an escalation step fires. */
@Module({
  imports: [TypeOrmModule.forFeature(ONCALL_ENTITIES), TenancyPortsModule],
  providers: [SchedulesService, PeopleService, PagingTargets],
  exports: [PagingTargets],
})
export class OnCallModule {}

/** Schedules, overrides, people's contacts and rules over GraphQL; the signed iCal feeds. */
@Module({
  imports: [TypeOrmModule.forFeature(ONCALL_ENTITIES), TenancyPortsModule],
  controllers: [IcalController],
  providers: [SchedulesService, PeopleService, PagingTargets, SchedulesResolver, PeopleResolver, IcalFeeds],
  exports: [PagingTargets],
})
export class OnCallApiModule {}
