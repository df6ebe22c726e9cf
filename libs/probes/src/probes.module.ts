import { Module } from '@nestjs/common';
import { EgressModule } from '#lib/egress';
import { PROBES, ProbeRunner } from './probe-runner.js';
import { PROBE_KINDS } from './probe-kinds.js';
import type { Probe } from './probe.js';

/** One runner of every registered probe kind (probe-kinds.ts). */
export function defaultProbes(): Probe[] {
  return PROBE_KINDS.map((kind) => kind.createRunner() as Probe);
}

@Module({
  imports: [EgressModule],
  providers: [{ provide: PROBES, useFactory: defaultProbes }, ProbeRunner],
  exports: [ProbeRunner],
})
export class ProbesModule {}
