// The watchdog runtime (runtime/), the API's read models of it (read-models/), and the tables both use (entities/).
export { WatchdogModule } from './runtime/watchdog.module.js';
export { WatchdogStatusModule } from './read-models/watchdog-status.module.js';
export { MonitorHealth, MonitorHealthModule, type HostMonitorHealth } from './read-models/monitor-health.js';
export { DETECTION_ENTITIES } from './entities/index.js';
export { WatchdogHeartbeatService } from './runtime/watchdog-heartbeat.service.js';
export { WatchdogService } from './runtime/watchdog.service.js';
export { WatchdogInstance } from './entities/watchdog-instance.entity.js';
export { MonitorState, HealthState } from './entities/monitor-state.entity.js';
export { StateChange } from './entities/state-change.entity.js';
export { MaintenanceWindow } from './entities/maintenance-window.entity.js';
export { DEFAULT_POLICY, initialState, observe, type DetectorPolicy, type DetectorState, type Health, type HealthChange } from './runtime/detector.js';
export { ProbeScheduler, phaseOf } from './runtime/probe-scheduler.js';
export { MonitorCatalog, ownerOf, type WatchedMonitor } from './runtime/monitor-catalog.js';
export { ObservationLog, type Span } from './runtime/observation-log.js';
export { ProbeTargets } from './runtime/probe-targets.js';
export { AgentGateway } from './agents/agent-gateway.js';
export { AgentRuntime, EXIT_TOKEN_REFUSED, type AgentLog } from './agents/agent-runtime.js';
export * as agentProtocol from './agents/protocol.js';
