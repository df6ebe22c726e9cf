import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What a bench child reports when asked (`process.send`): drift samples since the last ask, and counters. */
export interface BenchSample {
  drift: number[];
  started: number;
  monitors: number;
  skipped: number;
  /** Slots dropped because they waited too long for a free slot (saturated). */
  shed?: number;
  /** Results the API acknowledged as stored (agents only). */
  acked: number;
  /** Its event loop's delay since the last ask (p99 and max, ms): a stalled loop beats, claims and probes late. */
  loopP99Ms?: number;
  loopMaxMs?: number;
  /** Central watchdogs: the worst heartbeat since the last ask (ms) — the gap between two written beats, one write, a late start. */
  beat?: { gapMs: number; writeMs: number; lateMs: number };
}

/** Answers every `sample` request from the parent bench with the current sample. */
export function answerBench(sample: () => BenchSample): void {
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  process.on('message', (message: { cmd?: string; id?: number }) => {
    if (message.cmd !== 'sample') return;
    const answer: BenchSample = { ...sample(), loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
    loop.reset();
    process.send?.({ id: message.id, sample: answer });
  });
  process.send?.({ ready: true });
}
