import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';
import { WatchdogInstance } from './watchdog-instance.entity.js';
import { WatchdogResolver } from './watchdog.resolver.js';

export const DETECTION_ENTITIES = [WatchdogInstance];

/** The watchdog role: for now its registration and heartbeat; scheduler, probes and detector join here. */
@Module({
  imports: [TypeOrmModule.forFeature(DETECTION_ENTITIES)],
  providers: [WatchdogHeartbeatService],
  exports: [WatchdogHeartbeatService],
})
export class WatchdogModule {}

/** Read-only view of the watchdogs for the API role. */
@Module({
  imports: [TypeOrmModule.forFeature(DETECTION_ENTITIES)],
  providers: [WatchdogResolver],
})
export class WatchdogStatusModule {}
