export { WatchdogModule, WatchdogStatusModule, DETECTION_ENTITIES } from './detection.module.js';
export { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';
export { WatchdogInstance } from './watchdog-instance.entity.js';
