import { VigiaException } from '#lib/common';
import { type ProbeType, validateMonitorConfig } from '#lib/inventory';
import type { ProbeRunner } from '#lib/probes';
import { type StepHandler, StepInputError, durationField, sequential } from './step.js';

/**
 * Polls a probe until it answers healthy `successes` times in a row, or the deadline passes. The probe is run here,
 * directly (not the watchdog's schedule), so a verification takes as long as the service needs and no longer.
 */
export function waitUntilStep(runner: ProbeRunner): StepHandler {
  return {
    type: 'wait.until',
    idempotent: () => true,
    async plan(w, ctx, path) {
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
          const deadline = Date.now() + deadlineMs;
          let streak = 0;
          let last = '';
          let tries = 0;
          while (!io.signal.aborted) {
            const started = Date.now();
            const result = await runner.run({ type: target.type as ProbeType, config: target.config, address: target.address, timeoutMs: target.timeoutMs, tenantId: ctx.tenantId });
            tries += 1;
            last = `${result.status}: ${result.reason}`;
            streak = result.status === 'up' ? streak + 1 : 0;
            if (streak >= successes) return { ok: true, stdout: last, note: `healthy after ${tries} probe(s)` };
            if (Date.now() >= deadline) break;
            await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
          }
          return { ok: false, stdout: last, note: `not healthy within ${deadlineMs} ms (${tries} probes); last ${last}` };
        },
      }]);
    },
  };
}
