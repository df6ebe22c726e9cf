import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentsModule } from '#lib/incidents';
import { InventoryModule } from '#lib/inventory';
import { ProbesModule } from '#lib/probes';
import {
  HostHealthResolver,
  MaintenanceResolver,
  MonitorStateResolver,
  ServiceHealthResolver,
  StateSubscriptionResolver,
} from './detection.resolvers.js';
import { FleetResolver } from './fleet.resolver.js';
import { StateFeed } from './state-feed.js';
import { MaintenanceWindow } from './maintenance-window.entity.js';
import { MaintenanceService } from './maintenance.service.js';
import { MonitorCatalog } from './monitor-catalog.js';
import { ObservationLog } from './observation-log.js';
import { ObservationSpan } from './observation-span.entity.js';
import { MonitorState } from './monitor-state.entity.js';
import { ProbeRollup } from './probe-rollup.entity.js';
import { ProbeTargets } from './probe-targets.js';
import { StateChange } from './state-change.entity.js';
import { StateStore } from './state-store.js';
import { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';
import { WatchdogInstance } from './watchdog-instance.entity.js';
import { WatchdogResolver } from './watchdog.resolver.js';
import { WatchdogService } from './watchdog.service.js';

export const DETECTION_ENTITIES = [WatchdogInstance, MonitorState, StateChange, ProbeRollup, MaintenanceWindow, ObservationSpan];

/**
 * The watchdog runtime: heartbeat, monitor ownership, scheduler, probes, detector, incidents (+ outbox). The role's
 * other parts — alerts and runbooks, the outbox's consumers — are wired beside it by the apps (apps/watchdog, apps/api with the watchdog role), so
 * detection depends on incidents only.
 */
@Module({
  imports: [TypeOrmModule.forFeature(DETECTION_ENTITIES), ProbesModule, IncidentsModule, InventoryModule],
  providers: [WatchdogHeartbeatService, ObservationLog, MonitorCatalog, StateStore, WatchdogService, ProbeTargets],
  exports: [WatchdogHeartbeatService, WatchdogService],
})
export class WatchdogModule {}

/** What the API role serves of detection: states, changes, maintenance windows, probeNow, live watchdogs. */
@Module({
  imports: [TypeOrmModule.forFeature(DETECTION_ENTITIES), ProbesModule, InventoryModule],
  providers: [ProbeTargets, FleetResolver, WatchdogResolver, MonitorStateResolver, HostHealthResolver, MaintenanceResolver, MaintenanceService, StateFeed, StateSubscriptionResolver, ServiceHealthResolver],
})
export class WatchdogStatusModule {}
