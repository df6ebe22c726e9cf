import { MaintenanceWindow } from './maintenance-window.entity.js';
import { MonitorState } from './monitor-state.entity.js';
import { ObservationSpan } from './observation-span.entity.js';
import { ProbeRollup } from './probe-rollup.entity.js';
import { StateChange } from './state-change.entity.js';
import { WatchdogInstance } from './watchdog-instance.entity.js';

/** The tables detection owns: the runtime writes them, the read models read them. */
export const DETECTION_ENTITIES = [WatchdogInstance, MonitorState, StateChange, ProbeRollup, MaintenanceWindow, ObservationSpan];
