import { Module } from '@nestjs/common';
import { FleetChanges } from './fleet-changes.js';

/**
 * One `FleetChanges` (one LISTEN connection) per process, shared by the watchdog runtime and the agents' gateway: a
 * process with both roles (`npm start`) held two listeners on the same channel, each bumping its own counters.
 */
@Module({ providers: [FleetChanges], exports: [FleetChanges] })
export class FleetChangesModule {}
