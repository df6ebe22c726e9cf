import { describe, expect, it } from 'vitest';
import { PeriodicWorker } from './periodic-worker.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A pass the test releases by hand, counting how many ran at once. */
function gatedPasses() {
  const state = { started: 0, finished: 0, concurrent: 0, maxConcurrent: 0, release: [] as (() => void)[] };
  const pass = async () => {
    state.started++;
    state.concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
    await new Promise<void>((r) => state.release.push(r));
    state.concurrent--;
    state.finished++;
  };
  const releaseAll = () => state.release.splice(0).forEach((r) => r());
  return { state, pass, releaseAll };
}

describe('PeriodicWorker', () => {
  it('never runs two passes at once; kicks during a pass fold into one more pass right after', async () => {
    const { state, pass, releaseAll } = gatedPasses();
    const worker = new PeriodicWorker('t', pass, { everyMs: 60_000, onError: () => undefined, immediate: true });
    worker.start();
    await tick(5);
    expect(state.started).toBe(1);
    worker.kick();
    worker.kick();
    void worker.runOnce();
    await tick(5);
    expect(state.started).toBe(1);
    releaseAll();
    await tick(5);
    releaseAll();
    await tick(5);
    releaseAll();
    await tick(5);
    expect(state.maxConcurrent).toBe(1);
    // The first pass, the one the two kicks folded into, and runOnce's own: three, one at a time.
    expect(state.started).toBe(3);
    await tick(5);
    const after = state.started;
    await tick(20);
    expect(state.started).toBe(after); // everyMs is a minute: nothing else runs
    releaseAll();
    await worker.stop();
  });

  it('stop() drains: it resolves only after the pass under way, and no pass starts after it', async () => {
    const { state, pass, releaseAll } = gatedPasses();
    const worker = new PeriodicWorker('t', pass, { everyMs: 1, onError: () => undefined, immediate: true });
    worker.start();
    await tick(5);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await tick(5);
    expect(stopped).toBe(false);
    releaseAll();
    await stopping;
    expect(state.finished).toBe(1);
    worker.kick();
    await tick(20);
    expect(state.started).toBe(1);
  });

  it('a pass that throws is reported and the loop goes on', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const worker = new PeriodicWorker('t', async () => {
      passes++;
      if (passes === 1) throw new Error('database gone');
    }, { everyMs: 2, onError: (e) => errors.push(e) , immediate: true });
    worker.start();
    const deadline = Date.now() + 2000;
    while (passes < 3 && Date.now() < deadline) await tick(5);
    await worker.stop();
    expect((errors[0] as Error).message).toBe('database gone');
    expect(passes).toBeGreaterThanOrEqual(3);
  });

  it('schedules with the timers it is given (a test clock decides when passes run)', async () => {
    const pending: { run: () => void; ms: number }[] = [];
    const timers = { setTimeout: (run: () => void, ms: number) => pending.push({ run, ms }), clearTimeout: () => undefined };
    let passes = 0;
    const worker = new PeriodicWorker('t', async () => void passes++, { everyMs: 1000, onError: () => undefined, timers });
    worker.start();
    expect(pending.map((p) => p.ms)).toEqual([1000]);
    expect(passes).toBe(0);
    pending.shift()!.run();
    await tick(1);
    expect(passes).toBe(1);
    expect(pending.map((p) => p.ms)).toEqual([1000]);
    await worker.stop();
  });

  it('asks a pause given as a function again after each pass (a poll that slows while it is told)', async () => {
    const pending: { run: () => void; ms: number }[] = [];
    const asked: number[] = [];
    const timers = { setTimeout: (run: () => void, ms: number) => (asked.push(ms), pending.push({ run, ms })), clearTimeout: () => undefined };
    let told = false;
    const worker = new PeriodicWorker('t', async () => undefined, { everyMs: () => (told ? 2000 : 200), onError: () => undefined, timers });
    worker.start();
    told = true;
    pending.shift()!.run();
    await tick(5);
    told = false;
    pending.shift()!.run();
    await tick(5);
    expect(asked).toEqual([200, 2000, 200]);
    await worker.stop();
  });
});
