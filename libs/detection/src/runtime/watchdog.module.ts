import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentsModule } from '#lib/incidents';
import { InventoryModule } from '#lib/inventory';
import { ProbesModule } from '#lib/probes';
import { VantagesModule } from '#lib/vantages';
import { DETECTION_ENTITIES } from '../entities/index.js';
import { FleetChangesModule } from './fleet-changes.module.js';
import { MonitorCatalog } from './monitor-catalog.js';
import { ObservationLog } from './observation-log.js';
import { ProbeTargets } from './probe-targets.js';
import { StateStore } from './state-store.js';
import { VantageHealthEvaluator } from './vantage-health.evaluator.js';
import { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';
import { WatchdogService } from './watchdog.service.js';

/**
 * The watchdog runtime: heartbeat, monitor ownership, scheduler, probes, detector, incidents (+ outbox). The role's
 * other parts — alerts and runbooks, the outbox's consumers — are wired beside it by the apps (apps/watchdog, and
 * apps/api with the watchdog role), so detection depends on incidents only.
 */
@Module({
  imports: [TypeOrmModule.forFeature(DETECTION_ENTITIES), ProbesModule, IncidentsModule, InventoryModule, VantagesModule, FleetChangesModule],
  providers: [WatchdogHeartbeatService, ObservationLog, MonitorCatalog, StateStore, WatchdogService, ProbeTargets, VantageHealthEvaluator],
  exports: [WatchdogHeartbeatService, WatchdogService],
})
export class WatchdogModule {}
