import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { EgressModule } from '#lib/egress';
import { type Clock, ClockModule, VigiaValidationPipe } from '#lib/common';
import { type VigiaConfig, VigiaConfigModule } from '#lib/config';
import { AlertsModule } from '#lib/alerts';
import { RunbooksModule } from '#lib/runbooks';
import { WatchdogModule, WatchdogStatusModule } from '#lib/detection';
import { AlertsApiModule } from '#lib/alerts';
import { IncidentsApiModule } from '#lib/incidents';
import { InventoryModule } from '#lib/inventory';
import { ObservabilityModule } from '#lib/observability';
import { MailModule } from '#lib/mail';
import { PersistenceModule } from '#lib/persistence';
import { ReportsModule } from '#lib/reports';
import { RunbooksApiModule } from '#lib/runbooks';
import { DemoModule } from '#lib/demo';
import { FleetModule } from '#lib/fleet';
import { OnCallApiModule } from '#lib/oncall';
import { SecretsModule } from '#lib/secrets';
import { StatusDomainMiddleware, StatusPagesModule } from '#lib/status-pages';
import { TenancyModule } from '#lib/tenancy';
import { VantagesApiModule } from '#lib/vantages';
import { dashboardFolder, dashboardMiddleware } from './dashboard.middleware.js';
import { graphqlOptions } from './graphql.options.js';

/**
 * The API process: GraphQL, health and metrics. In quick start (VIGIA_ROLES unset) the watchdog role runs in the same
 * process; VIGIA_ROLES=api runs the API alone next to separate watchdog processes.
 */
@Module({})
export class ApiAppModule implements NestModule {
  /** Whether this process serves status pages (the api role): their custom domains are routed before the dashboard. */
  private static statusPages = false;

  /** `clock`: tests only (a report's "now" frozen); production uses the system clock. */
  static forRoot(config: VigiaConfig, options: { clock?: Clock } = {}): DynamicModule {
    ApiAppModule.statusPages = config.roles.has('api');
    return {
      module: ApiAppModule,
      imports: [
        VigiaConfigModule.forRoot(config),
        options.clock ? ClockModule.using(options.clock) : ClockModule,
        ObservabilityModule.forRoot([...config.roles].join('+')),
        PersistenceModule.forRoot(),
        SecretsModule,
        MailModule,
        EgressModule,
        ScheduleModule.forRoot(),
        TenancyModule,
        ...(config.roles.has('api')
          ? [GraphQLModule.forRoot(graphqlOptions(config)), InventoryModule, WatchdogStatusModule, IncidentsApiModule, ReportsModule, AlertsApiModule, RunbooksApiModule, VantagesApiModule, DemoModule, FleetModule, OnCallApiModule, StatusPagesModule]
          : []),
        // The watchdog role: detection, and the incident outbox's consumers (alerts, runbooks) beside it.
        ...(config.roles.has('watchdog') ? [WatchdogModule, AlertsModule, RunbooksModule] : []),
      ],
      providers: [{ provide: APP_PIPE, useValue: new VigiaValidationPipe() }],
    };
  }

  /** The dashboard's static files and client-side routes, on the same origin as the API it calls. */
  configure(consumer: MiddlewareConsumer): void {
    if (ApiAppModule.statusPages) consumer.apply(StatusDomainMiddleware, dashboardMiddleware(dashboardFolder())).forRoutes('{*path}');
    else consumer.apply(dashboardMiddleware(dashboardFolder())).forRoutes('{*path}');
  }
}
