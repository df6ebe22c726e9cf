import { VigiaException } from '#lib/common';
import { type ProbeType, validateMonitorConfig } from '#lib/inventory';
import { PROBE_TYPES } from '#lib/probes';
import { type StepHandler, StepInputError, durationField, sequential } from './step.js';
import { duration, hostRef, int, mapping, word } from './step-fields.js';

/** The shortest `wait.until` interval. */
export const MIN_WAIT_INTERVAL_MS = 200;

/**
 * Polls a probe until it answers healthy `successes` times in a row, or the deadline passes. The probe is run here,
 * directly (not the watchdog's schedule), so a verification takes as long as the service needs and no longer.
 */
export const waitUntilStep: StepHandler = {
  type: 'wait.until',
  fields: {
    // Every registered probe kind (a hand copy here once lacked mail_roundtrip).
    probe: word({ oneOf: PROBE_TYPES }).optional(),
    monitor: word().optional(),
    host: hostRef().optional(),
    config: mapping().optional(),
    deadline: duration(),
    // A floor: `interval: 0ms` made one run a request flood (370 requests in 2 s). 200 ms is what the built-in
    // VIP failover polls at, so the failover time target holds.
    interval: duration(MIN_WAIT_INTERVAL_MS).optional(),
    successes: int(1, 20).optional(),
  },
  // Exactly one target: a probe with its config, or a monitor of the inventory.
  check: (w) => ((w.probe === undefined) === (w.monitor === undefined) ? { field: 'probe', message: 'give either probe (with config) or monitor, not both or neither' } : undefined),
  idempotent: () => true,
  async plan(w, ctx, path, { probes: runner }) {
    const deadlineMs = durationField(w.deadline, 30_000);
    const intervalMs = durationField(w.interval, 500);
    const successes = typeof w.successes === 'number' ? w.successes : 1;
    let target: { type: string; config: Record<string, unknown>; address: string; timeoutMs: number; label: string };
    if (typeof w.monitor === 'string') {
      target = await ctx.monitorTarget(w.monitor, `${path}.monitor`);
    } else {
      const config = (w.config as Record<string, unknown> | undefined) ?? {};
      try {
        validateMonitorConfig(w.probe as ProbeType, config, `${path}.config`, ctx.egress);
      } catch (error) {
        if (error instanceof VigiaException) throw new StepInputError(error.field ?? `${path}.config`, error.message.replace(/^[^:]+: /, ''));
        throw error;
      }
      const host = w.host === undefined ? undefined : await ctx.resolveHost(w.host, `${path}.host`, false);
      target = { type: String(w.probe), config, address: host?.address ?? '127.0.0.1', timeoutMs: Math.min(5000, Math.max(200, intervalMs)), label: `${w.probe} ${JSON.stringify(config)}` };
    }
    return sequential([{
      kind: 'probe',
      target: target.label,
      command: `until ${successes} success(es), every ${intervalMs} ms, within ${deadlineMs} ms`,
      async run(io) {
        // Monotonic: a deadline on real waits (setTimeout), not a time of day; a wall-clock step must not end it early or late.
        const deadline = performance.now() + deadlineMs;
        let streak = 0;
        let last = '';
        let tries = 0;
        while (!io.signal.aborted) {
          const started = performance.now();
          const result = await runner.run({ type: target.type as ProbeType, config: target.config, address: target.address, timeoutMs: target.timeoutMs, tenantId: ctx.tenantId });
          tries += 1;
          last = `${result.status}: ${result.reason}`;
          streak = result.status === 'up' ? streak + 1 : 0;
          if (streak >= successes) return { ok: true, stdout: last, note: `healthy after ${tries} probe(s)` };
          if (performance.now() >= deadline) break;
          await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (performance.now() - started))));
        }
        return { ok: false, stdout: last, note: `not healthy within ${deadlineMs} ms (${tries} probes); last ${last}` };
      },
    }]);
  },
};
