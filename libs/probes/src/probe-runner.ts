import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from '#lib/common';
import { EgressPolicy, excerpt } from '#lib/egress';
import { errorText, formatMs, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

export const PROBES = Symbol('PROBES');

/**
 * Runs one probe with a hard deadline. Whatever a probe does (hangs, throws, returns garbage), the runner answers
 * with a result in about `timeoutMs`: a probe can never crash or stall the watchdog.
 */
@Injectable()
export class ProbeRunner {
  private readonly probes = new Map<string, Probe>();

  /**
   * Without a policy (a runner built by hand), the default one: nothing private, nothing local. Without a clock (a
   * runner built by hand, the agent's), the system's.
   */
  constructor(
    @Optional() @Inject(PROBES) probes: Probe[] = [],
    @Optional() private readonly egress: EgressPolicy = new EgressPolicy(),
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    for (const probe of probes) this.probes.set(probe.type, probe);
  }

  register(probe: Probe): void {
    this.probes.set(probe.type, probe);
  }

  async run(target: ProbeTarget): Promise<ProbeResult> {
    const at = this.clock.now().getTime();
    // Latency on monotonic time: a wall-clock step during the probe must not make it negative or huge.
    const started = performance.now();
    const probe = this.probes.get(target.type);
    if (!probe) return { status: 'down', latencyMs: 0, at, reason: `no ${target.type} probe in this watchdog` };
    const guard = this.egress.guard({ tenantId: target.tenantId, vantage: 'platform' });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new Error('timeout'));
        reject(new Error(`no answer within ${formatMs(target.timeoutMs)}`));
      }, target.timeoutMs);
    });
    try {
      const verdict = await Promise.race([probe.check(target, controller.signal, guard, at), deadline]);
      const latencyMs = verdict.latencyMs ?? performance.now() - started;
      // Reasons quote what servers said (banners, answers): a tenant reads them, so only an excerpt is kept.
      return { status: verdict.status, reason: excerpt(verdict.reason), latencyMs: round(latencyMs), at, details: verdict.details };
    } catch (error) {
      return { status: 'down', latencyMs: round(performance.now() - started), at, reason: excerpt(errorText(error)) };
    } finally {
      // Only the deadline aborts: aborting a finished probe would build an Error and its stack for nothing
      // (measured: ~4 % of a watchdog's CPU at 500 probes/s). Probes release their own sockets.
      clearTimeout(timer);
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
