import { afterEach, describe, expect, it, vi } from 'vitest';
import { phaseOf, ProbeScheduler } from './probe-scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A run that takes `ms`, and the most runs seen at once. */
function slowRuns(ms: number): { run: () => Promise<undefined>; peak: () => number } {
  let concurrent = 0;
  let peak = 0;
  return {
    run: async () => {
      concurrent++;
      peak = Math.max(peak, concurrent);
      await sleep(ms);
      concurrent--;
      return undefined;
    },
    peak: () => peak,
  };
}

describe('ProbeScheduler (real timers, short intervals)', () => {
  let scheduler: ProbeScheduler<{ id: string; intervalMs: number }> | undefined;
  afterEach(() => scheduler?.stop());

  it('runs each monitor at its own stable phase of the interval', async () => {
    const runs: { id: string; planned: number }[] = [];
    scheduler = new ProbeScheduler({ run: async (m, planned) => void runs.push({ id: m.id, planned }) }, 10);
    const monitors = ['a', 'b', 'c'].map((id) => ({ id, intervalMs: 200 }));
    scheduler.setMonitors(monitors);
    await sleep(700);
    for (const { id } of monitors) {
      const planned = runs.filter((r) => r.id === id).map((r) => r.planned);
      expect(planned.length).toBeGreaterThanOrEqual(3);
      expect(new Set(planned.map((p) => p % 200))).toEqual(new Set([phaseOf(id, 200)]));
    }
  });

  it('spreads phases across the interval instead of starting everything at once', () => {
    const phases = Array.from({ length: 1000 }, (_, i) => phaseOf(`monitor-${i}`, 10_000));
    const buckets = new Array(10).fill(0);
    for (const p of phases) buckets[Math.floor(p / 1000)]++;
    expect(Math.min(...buckets)).toBeGreaterThan(60);
    expect(Math.max(...buckets)).toBeLessThan(140);
  });

  it('never runs one monitor twice at once: a slow run skips the slots it overlaps', async () => {
    const slow = slowRuns(250);
    scheduler = new ProbeScheduler({ run: slow.run }, 10);
    scheduler.setMonitors([{ id: 'slow', intervalMs: 100 }]);
    await sleep(800);
    expect(slow.peak()).toBe(1);
    expect(scheduler.stats.skippedOverlap).toBeGreaterThan(0);
  });

  it('holds at most `concurrency` probes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    scheduler = new ProbeScheduler(
      {
        run: async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await sleep(50);
          inFlight--;
          return undefined;
        },
      },
      3,
    );
    scheduler.setMonitors(Array.from({ length: 20 }, (_, i) => ({ id: `m${i}`, intervalMs: 1000 })));
    await sleep(1300);
    expect(peak).toBe(3);
    expect(scheduler.stats.started).toBeGreaterThanOrEqual(20);
  });

  // With a wake-up grid of 1 s as well: a confirmation re-probe is not held for the grid, it runs at its own time.
  it.each([0, 1000])('re-probes sooner when the result asks for confirmation (wake-up grid %i ms)', async (batchMs) => {
    const times: number[] = [];
    scheduler = new ProbeScheduler({ run: async () => (times.push(Date.now()), times.length < 3 ? 30 : undefined) }, 10, Date.now, batchMs);
    scheduler.setMonitors([{ id: `confirming-${batchMs}`, intervalMs: 5000 }]);
    await sleep(batchMs + 5300);
    expect(times.length).toBeGreaterThanOrEqual(3);
    // Asked 30 ms later: within 200 ms, whatever the grid's step.
    expect(times[1]! - times[0]!).toBeLessThan(200);
    expect(times[2]! - times[1]!).toBeLessThan(200);
  }, 10_000);

  it('spaces confirmation re-probes from start to start: one that timed out past the interval is followed at once', async () => {
    vi.useFakeTimers();
    try {
      const starts: number[] = [];
      // Each run takes `took` ms and asks to look again 300 ms later (the detector's confirmation interval).
      const confirming = (took: number) => new ProbeScheduler({
        run: async () => {
          starts.push(Date.now());
          await new Promise((r) => setTimeout(r, took));
          return 300;
        },
      }, 10);
      const gaps = async (took: number): Promise<number[]> => {
        starts.length = 0;
        scheduler = confirming(took);
        scheduler.setMonitors([{ id: `confirm-${took}`, intervalMs: 60_000 }]);
        await vi.advanceTimersByTimeAsync(60_000 + 2_000);
        scheduler.stop();
        return starts.slice(1, 4).map((at, i) => at - starts[i]!);
      };
      // A timeout (400 ms) longer than the interval: the next starts as it ends, not 300 ms after that.
      // (A timer due now fires 1 ms later.)
      for (const gap of await gaps(400)) expect(gap).toBeOneOf([400, 401]);
      // A fast failure (connection refused, 20 ms): 300 ms from one start to the next, not 320.
      for (const gap of await gaps(20)) expect(gap).toBeOneOf([300, 301]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('with a wake-up grid, starts what is due together (fewer wake-ups), each no earlier than planned and within one step', async () => {
    const monitors = Array.from({ length: 60 }, (_, i) => ({ id: `grid-${i}`, intervalMs: 1000 }));
    const wakeUps = async (batchMs: number) => {
      const starts: { at: number; planned: number }[] = [];
      const s = new ProbeScheduler({ run: async (_m, planned) => void starts.push({ at: Date.now(), planned }) }, 100, Date.now, batchMs);
      s.setMonitors(monitors);
      await sleep(1250);
      s.stop();
      // Runs started in one wake-up start synchronously, in the same millisecond.
      return { starts, instants: new Set(starts.map((r) => r.at)).size };
    };
    const exact = await wakeUps(0);
    const grid = await wakeUps(100);
    expect(grid.starts.length).toBeGreaterThanOrEqual(60);
    // 60 phases in a second: nearly one wake-up each without the grid, at most one per 100 ms step with it.
    expect(exact.instants).toBeGreaterThan(30);
    expect(grid.instants).toBeLessThanOrEqual(16);
    for (const r of grid.starts) {
      expect(r.at).toBeGreaterThanOrEqual(r.planned);
      // One step, and a timer's lateness on a busy machine.
      expect(r.at - r.planned).toBeLessThan(100 + 150);
    }
  });

  it('never runs one monitor twice at once when its interval changes, or it is removed and added again, during a run', async () => {
    const slow = slowRuns(300);
    scheduler = new ProbeScheduler({ run: slow.run }, 10);
    scheduler.setMonitors([{ id: 'changing', intervalMs: 200 }]);
    await sleep(250);
    scheduler.setMonitors([{ id: 'changing', intervalMs: 150 }]);
    await sleep(100);
    scheduler.setMonitors([]);
    scheduler.setMonitors([{ id: 'changing', intervalMs: 100 }]);
    await sleep(700);
    expect(scheduler.stats.started).toBeGreaterThanOrEqual(2);
    expect(slow.peak()).toBe(1);
  });

  it('with a wake-up grid, a run that ends just after its next slot (timeout close to the interval) runs that slot late, not skipped', async () => {
    scheduler = new ProbeScheduler({ run: async () => void (await sleep(280)) }, 10, Date.now, 100);
    scheduler.setMonitors([{ id: 'slow-but-in-time', intervalMs: 300 }]);
    await sleep(1700);
    expect(scheduler.stats.started).toBeGreaterThanOrEqual(4);
    expect(scheduler.stats.skippedOverlap).toBe(0);
  });

  it('saturated, drops regular slots that waited past half their interval (counted), never the same monitor twice in a row', async () => {
    // On fake timers: the bounds below are the scheduler's, not a loaded machine's timer lateness.
    vi.useFakeTimers();
    const starts = new Map<string, { at: number; drift: number }[]>();
    // 10 monitors at 200 ms whose runs take 50 ms, one at a time: twice more work than the process can do.
    scheduler = new ProbeScheduler(
      {
        run: async (m, planned) => {
          const at = Date.now();
          starts.set(m.id, [...(starts.get(m.id) ?? []), { at, drift: at - planned }]);
          await sleep(50);
          return undefined;
        },
      },
      1,
    );
    try {
      scheduler.setMonitors(Array.from({ length: 10 }, (_, i) => ({ id: `busy-${i}`, intervalMs: 200 })));
      await vi.advanceTimersByTimeAsync(2500);
      scheduler.stop();
    } finally {
      vi.useRealTimers();
    }
    expect(scheduler.stats.shed).toBeGreaterThan(5);
    // Demand: 10 monitors × 12.5 slots; each slot is started, shed or skipped — none unaccounted for.
    const started = [...starts.values()].reduce((n, runs) => n + runs.length, 0);
    expect(started + scheduler.stats.shed + scheduler.stats.skippedOverlap).toBeGreaterThanOrEqual(110);
    // What a vantage reports as its skipped share: every slot that did not start.
    expect(scheduler.notStarted).toBe(scheduler.stats.shed + scheduler.stats.skippedOverlap);
    const all = [...starts.values()].flat();
    // A start later than the bound (100 ms) is the slot after a shed one, which runs however late: never more of those than sheds.
    expect(all.filter((s) => s.drift > 100).length).toBeLessThanOrEqual(scheduler.stats.shed);
    for (const [id, runs] of starts) {
      expect(runs.length, id).toBeGreaterThanOrEqual(3);
      // Never left unprobed: once per pass through the queue (the others' runs, 10 × 50 ms), and a slot or two.
      for (let i = 1; i < runs.length; i++) expect(runs[i]!.at - runs[i - 1]!.at, id).toBeLessThanOrEqual(2 * 200 + 10 * 50);
    }
  });

  it('starts a confirmation re-probe before regular slots that are waiting for a free slot', async () => {
    const gaps: number[] = [];
    let confirming = 0;
    let askedAt = 0;
    scheduler = new ProbeScheduler(
      {
        run: async (m) => {
          if (m.id !== 'confirm') return void (await sleep(40));
          if (askedAt) gaps.push(Date.now() - askedAt);
          askedAt = ++confirming <= 4 ? Date.now() : 0;
          return askedAt ? 5 : undefined;
        },
      },
      1,
      Date.now,
      1000,
    );
    // On a 1 s grid, ~15 regular slots of 40 ms start together every second: a queue of ~600 ms.
    scheduler.setMonitors([{ id: 'confirm', intervalMs: 2000 }, ...Array.from({ length: 30 }, (_, i) => ({ id: `queue-${i}`, intervalMs: 2000 }))]);
    await sleep(3500);
    expect(gaps.length).toBe(4);
    for (const gap of gaps) expect(gap).toBeLessThan(150);
  }, 10_000);

  it('stops running monitors that were removed, and keeps the others', async () => {
    const runs: string[] = [];
    scheduler = new ProbeScheduler({ run: async (m) => void runs.push(m.id) }, 10);
    scheduler.setMonitors([{ id: 'keep', intervalMs: 100 }, { id: 'drop', intervalMs: 100 }]);
    await sleep(250);
    scheduler.setMonitors([{ id: 'keep', intervalMs: 100 }]);
    const dropped = runs.filter((id) => id === 'drop').length;
    await sleep(400);
    expect(runs.filter((id) => id === 'drop').length).toBe(dropped);
    expect(runs.filter((id) => id === 'keep').length).toBeGreaterThanOrEqual(5);
  });
});
