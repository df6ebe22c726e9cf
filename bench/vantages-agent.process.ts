/**
 * One remote agent for `npm run bench:vantages`: apps/agent's process (AgentRuntime, ProbeRunner, its egress policy),
 * with the runner timed: each probe's start against its planned slot (the scheduler's stable phase per monitor, the
 * monitor's id being the last path segment of the bench's URLs), reported over IPC like the watchdogs' drift.
 */
import 'reflect-metadata';
import { loadAgentConfig } from '#lib/config';
import { AgentRuntime, phaseOf } from '#lib/detection';
import { EgressPolicy } from '#lib/egress';
import { defaultProbes, type ProbeResult, ProbeRunner, type ProbeTarget } from '#lib/probes';
import { answerBench } from './vantages-ipc.js';

const intervalMs = Number(process.env.BENCH_INTERVAL_MS);
/** The verdict monitors' target: at 1 s, not on the 10 s slots timed here (they were counted as seconds late). */
const verdictUrl = process.env.BENCH_VERDICT_URL;
let drift: number[] = [];
let started = 0;
/** Each monitor's phase, computed once (as the scheduler does), so the timing adds no hashing per probe. */
const phases = new Map<string, number>();
/**
 * BENCH_TRACE=1: every 250 ms in which a probe started more than 150 ms late, one line on stderr — the latest start,
 * the most probes in flight, the slowest probe that ended and the timer's own lateness — to see what a drift spike
 * coincides with (a stalled target fills the in-flight slots; a stalled process delays its own timer).
 */
const trace = process.env.BENCH_TRACE === '1' ? { late: 0, inFlight: 0, peak: 0, slowest: 0, tick: Date.now() } : undefined;
if (trace) {
  setInterval(() => {
    const now = Date.now();
    if (trace.late > 150) process.stderr.write(`trace agent ${process.pid} ${new Date(now).toISOString().slice(11, 23)} late ${trace.late} ms, in flight ≤ ${trace.peak}, slowest ${trace.slowest} ms, timer +${now - trace.tick - 250} ms\n`);
    Object.assign(trace, { late: 0, peak: trace.inFlight, slowest: 0, tick: now });
  }, 250).unref();
}

class TimedRunner extends ProbeRunner {
  override run(target: ProbeTarget): Promise<ProbeResult> {
    const now = Date.now();
    const url = String(target.config.url ?? '');
    if (verdictUrl && url.startsWith(verdictUrl)) return super.run(target);
    const id = url.split('/').pop() ?? '';
    let phase = phases.get(id);
    if (phase === undefined) phases.set(id, (phase = phaseOf(id, intervalMs)));
    const late = now - (Math.floor((now - phase) / intervalMs) * intervalMs + phase);
    drift.push(late);
    started++;
    if (!trace) return super.run(target);
    trace.late = Math.max(trace.late, late);
    trace.inFlight++;
    trace.peak = Math.max(trace.peak, trace.inFlight);
    return super.run(target).finally(() => {
      trace!.inFlight--;
      trace!.slowest = Math.max(trace!.slowest, Date.now() - now);
    });
  }
}

const config = loadAgentConfig(process.env);
const runner = new TimedRunner(defaultProbes(), new EgressPolicy({ allow: config.egress.allow, deny: config.egress.deny }));
const agent = new AgentRuntime(config, runner, (level, message) => (level === 'info' ? undefined : process.stderr.write(`agent ${level}: ${message}\n`)));
agent.start();
answerBench(() => {
  const samples = drift;
  drift = [];
  return { drift: samples, started, monitors: agent.monitors, skipped: agent.slots.skippedOverlap, shed: agent.slots.shed, acked: agent.stats.acked };
});
process.once('SIGTERM', () => void agent.stop().finally(() => process.exit(0)));
