import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from '#lib/common';
import { EgressPolicy, EgressRefusedError, excerpt } from '#lib/egress';
import { errorText, formatMs, type Probe, type ProbeResult, type ProbeTarget, type ProbeVerdict, STALL_GIVE_BACK_MAX_MS } from './probe.js';

/** A deadline timer firing this much later than due means the loop was stalled (not timer jitter). */
const STALLED_MS = 50;

export const PROBES = Symbol('PROBES');

/**
 * Runs one probe with a hard deadline. Whatever a probe does (hangs, throws, returns garbage), the runner answers
 * with a result in about `timeoutMs` — in a process whose event loop was stalled meanwhile, later by the stall (given
 * back to the probe, at most the timeout again and 3 s): a probe can never crash or stall the watchdog.
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

  run(target: ProbeTarget): Promise<ProbeResult> {
    const at = this.clock.now().getTime();
    // Latency on monotonic time: a wall-clock step during the probe must not make it negative or huge.
    const started = performance.now();
    const probe = this.probes.get(target.type);
    if (!probe) return Promise.resolve({ status: 'down', latencyMs: 0, at, reason: `no ${target.type} probe in this watchdog` });
    const guard = this.egress.guard({ tenantId: target.tenantId, vantage: 'platform' });
    const controller = new AbortController();
    // One promise settled by whichever comes first, the probe or its deadline (a race of two promises and an async
    // function cost a few per cent of a watchdog's CPU at 500 probes/s). The first to settle wins; the other is ignored.
    return new Promise<ProbeResult>((resolve) => {
      const down = (reason: string, refused?: EgressRefusedError) =>
        resolve({ status: 'down', latencyMs: round(performance.now() - started), at, reason: excerpt(reason), ...(refused ? { refused: true as const } : {}), ...(refused?.configured ? { configuredRefusal: true as const } : {}) });
      let settled = false;
      // The deadline is judged after the I/O already waiting has been read (setImmediate runs after the loop's poll
      // phase; timers run before it), and it gives back time the process's own event loop was stalled (a GC pause, a
      // burst, a saturated machine): the deadline timer firing late measures that stall, and the probe gets it again,
      // up to the timeout itself and STALL_GIVE_BACK_MAX_MS in all. Without both, an answer that arrived in time and sat unread, or a
      // multi-step exchange (SMTP, IMAP, MySQL) whose next step the stall delayed, was called "no answer" — a false
      // outage made by Vigia itself (seen at 20,000 monitors × 3 vantages: event-loop delays of 1–2 s, 300 ms
      // deadlines). The latency is still measured on the wall clock, the stall included, so a latency ceiling shows it.
      // The probes' libraries get a later timeout of their own (libraryTimeoutMs) so that this deadline decides.
      let due = started + target.timeoutMs;
      let givenBack = 0;
      let timer: NodeJS.Timeout;
      const arm = (ms: number): void => {
        timer = setTimeout(() => {
          const late = performance.now() - due;
          setImmediate(() => {
            if (settled) return;
            const giveBack = Math.min(late, Math.min(STALL_GIVE_BACK_MAX_MS, target.timeoutMs) - givenBack);
            if (late > STALLED_MS && giveBack > STALLED_MS) {
              givenBack += giveBack;
              due = performance.now() + giveBack;
              arm(giveBack);
              return;
            }
            controller.abort(new Error('timeout'));
            down(`no answer within ${formatMs(target.timeoutMs)}${givenBack ? ` (and ${formatMs(givenBack)} more, given back for this process's stalled event loop)` : ''}`);
          });
        }, ms);
      };
      arm(target.timeoutMs);
      // Only the deadline aborts: aborting a finished probe would build an Error and its stack for nothing
      // (measured: ~4 % of a watchdog's CPU at 500 probes/s). Probes release their own sockets.
      const answered = (verdict: ProbeVerdict) => {
        settled = true;
        clearTimeout(timer);
        try {
          const latencyMs = verdict.latencyMs ?? performance.now() - started;
          // Reasons quote what servers said (banners, answers): a tenant reads them, so only an excerpt is kept.
          resolve({ status: verdict.status, reason: excerpt(verdict.reason), latencyMs: round(latencyMs), at, details: verdict.details });
        } catch (error) {
          down(errorText(error));
        }
      };
      const failed = (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        down(errorText(error), error instanceof EgressRefusedError ? error : undefined);
      };
      try {
        // Whatever a probe returns or throws (at once or later) becomes a result.
        Promise.resolve(probe.check(target, controller.signal, guard, at)).then(answered, failed);
      } catch (error) {
        failed(error);
      }
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
