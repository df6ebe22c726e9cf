import { type DynamicModule, Module } from '@nestjs/common';
import { EgressModule } from '#lib/egress';
import { ClockModule } from '#lib/common';
import { type VigiaConfig, VigiaConfigModule } from '#lib/config';
import { AlertsModule } from '#lib/alerts';
import { RunbooksModule } from '#lib/runbooks';
import { WatchdogModule } from '#lib/detection';
import { ObservabilityModule } from '#lib/observability';
import { MailModule } from '#lib/mail';
import { PersistenceModule } from '#lib/persistence';
import { SecretsModule } from '#lib/secrets';

/** A watchdog process on its own: probing and detection, plus /healthz, /readyz and /metrics on PORT. */
@Module({})
export class WatchdogAppModule {
  static forRoot(config: VigiaConfig): DynamicModule {
    return {
      module: WatchdogAppModule,
      imports: [VigiaConfigModule.forRoot(config), ClockModule, ObservabilityModule.forRoot('watchdog'), PersistenceModule.forRoot(),
        SecretsModule, MailModule, EgressModule, WatchdogModule, AlertsModule, RunbooksModule],
    };
  }
}
