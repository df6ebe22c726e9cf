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

class TimedRunner extends ProbeRunner {
  override run(target: ProbeTarget): Promise<ProbeResult> {
    const now = Date.now();
    const url = String(target.config.url ?? '');
    if (verdictUrl && url.startsWith(verdictUrl)) return super.run(target);
    const id = url.split('/').pop() ?? '';
    let phase = phases.get(id);
    if (phase === undefined) phases.set(id, (phase = phaseOf(id, intervalMs)));
    drift.push(now - (Math.floor((now - phase) / intervalMs) * intervalMs + phase));
    started++;
    return super.run(target);
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
