import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentsModule } from '#lib/incidents';
import { InventoryModule } from '#lib/inventory';
import { ProbesModule } from '#lib/probes';
import { VantagesModule } from '#lib/vantages';
import { AgentGateway } from '../agents/agent-gateway.js';
import { FleetChangesModule } from '../runtime/fleet-changes.module.js';
import { MonitorCatalog } from '../runtime/monitor-catalog.js';
import { detectionPurge } from './detection-purge.js';
import { DETECTION_ENTITIES } from '../entities/index.js';
import { ProbeTargets } from '../runtime/probe-targets.js';
import { HostHealthResolver, MaintenanceResolver, MonitorStateResolver, MonitorStateVantagesResolver, ServiceHealthResolver, StateSubscriptionResolver } from './detection.resolvers.js';
import { FleetResolver } from './fleet.resolver.js';
import { LatencySeriesResolver } from './latency-series.js';
import { MaintenanceService } from './maintenance.service.js';
import { StateFeed } from './state-feed.js';
import { WatchdogResolver } from './watchdog.resolver.js';
import { WatchdogPresence } from './watchdog-presence.js';

/**
 * The API's read models of detection: monitor/host/service health, state changes, a monitor's response times per minute, the dashboard's fleet, live
 * watchdogs, maintenance windows, `probeNow` (a probe run on demand through the same targets), and the live state
 * feed (LISTEN for the watchdogs' NOTIFY), the agents' WebSocket endpoint (`/agent`), and whether any watchdog is probing at all (`WatchdogPresence`).
 */
@Module({
  imports: [TypeOrmModule.forFeature(DETECTION_ENTITIES), ProbesModule, IncidentsModule, InventoryModule, VantagesModule, FleetChangesModule],
  providers: [detectionPurge, ProbeTargets, MonitorCatalog, AgentGateway, FleetResolver, LatencySeriesResolver, WatchdogResolver, MonitorStateResolver, MonitorStateVantagesResolver, HostHealthResolver, MaintenanceResolver, MaintenanceService, StateFeed, StateSubscriptionResolver, ServiceHealthResolver, WatchdogPresence],
})
export class WatchdogStatusModule {}
