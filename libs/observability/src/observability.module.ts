import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { VigiaConfig } from '#lib/config';
import { DatabaseWatch } from './database-watch.service.js';
import { HealthController } from './health.controller.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsService } from './metrics.service.js';
import { Sight } from './sight.js';
import { DeadMansSwitch } from './dead-mans-switch.js';

/** JSON logs (pino), /healthz, /readyz and /metrics for every process role. */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(role: string): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [VigiaConfig],
          useFactory: (config: VigiaConfig) => ({
            pinoHttp: {
              level: config.logLevel,
              base: { role },
              // Bearer tokens and passwords never reach the logs.
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics', '/vigia-status'].includes(req.url ?? '') },
              // A request that went well is `debug` (LOG_LEVEL=debug shows each one): at `info` a dashboard's GraphQL
              // traffic, one line per query, buried what an operator needs in the log. Failures stay visible.
              customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
            },
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [MetricsService, DatabaseWatch, Sight, DeadMansSwitch],
      exports: [MetricsService, Sight],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
