import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostMaintenanceModule, MonitorHealthModule } from '#lib/detection';
import { IncidentsModule } from '#lib/incidents';
import { InventoryModule } from '#lib/inventory';
import { ProbesModule } from '#lib/probes';
import { TenancyPortsModule } from '#lib/tenancy';
import { PlanContextFactory } from './engine/plan-context.js';
import { ResourceMemberChecks } from './resources/resource-member-checks.js';
import { RunAnnouncer, RunFeed } from './engine/run-feed.js';
import { RunNotices } from './engine/run-notices.js';
import { RunStore } from './engine/run-store.js';
import { RunWorker } from './engine/run-worker.js';
import { StepRegistryProvider } from './engine/step-registry.js';
import { Resource } from './entities/resource.entity.js';
import { RunbookRun, RunStep } from './entities/run.entity.js';
import { Runbook, RunbookVersion } from './entities/runbook.entity.js';
import { ResourceMemberResolver, ResourcesResolver, RunbooksResolver, RunsResolver } from './graphql/runbooks.resolver.js';
import { ResourceKindsResolver } from './graphql/resource-kinds.resolver.js';
import { ResourcesService } from './resources.service.js';
import { RunbooksService } from './runbooks.service.js';
import { RunsService } from './runs.service.js';
import { RunbookTriggers } from './triggers.service.js';
import { FailoverReconciler } from './failover-reconciler.js';
import { RunbooksOutboxConsumer } from './runbooks-outbox.consumer.js';
import { IncidentRunStatusModule } from './incident-run-status.js';
import { GroupRolesModule } from './group-roles.provider.js';

export const RUNBOOK_ENTITIES = [Resource, Runbook, RunbookVersion, RunbookRun, RunStep];

const imports = [TypeOrmModule.forFeature(RUNBOOK_ENTITIES), IncidentsModule, MonitorHealthModule, HostMaintenanceModule, TenancyPortsModule, InventoryModule, ProbesModule, IncidentRunStatusModule, GroupRolesModule];
const shared = [PlanContextFactory, RunAnnouncer, RunNotices, StepRegistryProvider, RunbooksService, RunsService];

/** The watchdog side: triggers from incidents and the sweep, and the worker that executes runs. */
@Module({
  imports,
  providers: [...shared, RunStore, RunWorker, FailoverReconciler, RunbookTriggers, RunbooksOutboxConsumer],
  exports: [RunbookTriggers, FailoverReconciler, RunWorker, RunsService, RunbooksOutboxConsumer],
})
export class RunbooksModule {}

/** Resources, runbooks, runs (dry-run, start, approve, abort) and the live run feed over GraphQL. */
@Module({
  imports,
  providers: [...shared, ResourceMemberChecks, ResourcesService, RunFeed, ResourceKindsResolver, ResourcesResolver, ResourceMemberResolver, RunbooksResolver, RunsResolver],
})
export class RunbooksApiModule {}
