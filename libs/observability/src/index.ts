export { ObservabilityModule } from './observability.module.js';
export { MetricsService } from './metrics.service.js';
export { httpRouteLabel } from './http-metrics.middleware.js';
export { Sight, type SightStatus, type Blindness } from './sight.js';
