import { createHash } from 'node:crypto';
import { FifoQueue } from './fifo-queue.js';
import { MinHeap } from './min-heap.js';

export interface SchedulableMonitor {
  id: string;
  intervalMs: number;
}

export interface SchedulerHooks<M extends SchedulableMonitor> {
  /** Runs one probe and handles its result; may return a delay to look again sooner (confirmation). */
  run(monitor: M, plannedAt: number): Promise<number | undefined>;
  /** actual start − planned start, for every run. */
  onDrift?(driftMs: number): void;
}

interface Entry<M> {
  monitor: M;
  /** Bumped on every reschedule or removal: heap entries with an older version are stale and skipped. */
  version: number;
  phase: number;
  /** Its previous slot was shed: this one runs however late, so that a monitor is never left unprobed for long. */
  shedLast?: boolean;
}

/** A stable offset in [0, interval) from the monitor id: the same second every time, spread evenly across the fleet. */
export function phaseOf(id: string, intervalMs: number): number {
  return createHash('sha1').update(id).digest().readUInt32BE(0) % intervalMs;
}

/**
 * How late a regular slot may start before it is dropped instead (counted as shed): half its interval, at most 5 s —
 * a process that cannot start a slot within that is saturated, and running the backlog late would make every later
 * slot late too — and never less than two wake-up steps. A monitor is never shed twice in a row: the slot after a shed
 * one runs however late (while it waits, the slots it overlaps are skipped), so every monitor still runs once per
 * pass through the queue — saturation thins its probes, never to none.
 */
export function shedAfterMs(intervalMs: number, batchMs: number): number {
  return Math.max(2 * batchMs, Math.min(intervalMs / 2, 5_000));
}

/**
 * Runs each monitor at its interval, at a stable per-monitor phase (no thundering herd), never two runs of one
 * monitor at once, at most `concurrency` probes in flight; confirmation re-probes jump the queue of due times.
 *
 * With `batchMs` > 0 the scheduler wakes for regular slots on a grid of that step instead of at each monitor's own
 * millisecond, and starts everything due by then together (timer slack, as the kernel's timer_slack). Every wake-up
 * of an idle process costs a system call round and, on a virtual machine, the vCPU's halt and wake: at 650
 * fresh-connection HTTP checks a second, one wake-up per check cost 285–400 µs of CPU per check on the 2-core machine
 * of docs/performance.md, checks started together every 25–100 ms 160–200 µs. The price is up to `batchMs` of drift
 * on regular slots (reported as drift); phases stay where they were. Confirmation re-probes are not batched: they
 * decide how soon an outage is confirmed, and are few. The grid's offset is random per process, so that several
 * processes on one machine do not all wake at the same instants.
 */
export class ProbeScheduler<M extends SchedulableMonitor> {
  private readonly entries = new Map<string, Entry<M>>();
  /** Regular slots (woken for on the grid) and confirmation re-probes (woken for at their own time). */
  private readonly heap = new MinHeap<{ id: string; version: number }>();
  private readonly soon = new MinHeap<{ id: string; version: number }>();
  /** Due and waiting for a free slot: confirmation re-probes first (the verdict waits on them), then regular slots. */
  private readonly readyUrgent = new FifoQueue<{ id: string; plannedAt: number }>();
  private readonly ready = new FifoQueue<{ id: string; plannedAt: number }>();
  private inFlight = 0;
  /** Versions are never reused (a monitor removed and added again cannot match its old heap entries). */
  private versions = 0;
  /**
   * Monitors taken for a run, from the moment they are due (waiting for a slot, then running) until the run ends, by
   * id — the one record of it: a monitor re-phased, or removed and added again, during its run is not started twice.
   */
  private readonly taken = new Set<string>();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private stopped = false;
  /**
   * started; skippedOverlap: slots skipped because the monitor's previous run (or wait) still held it; shed: regular
   * slots dropped because they waited longer than `shedAfterMs` for a free slot (the process is saturated).
   */
  readonly stats = { started: 0, skippedOverlap: 0, shed: 0 };

  private readonly gridOffset: number;

  constructor(
    private readonly hooks: SchedulerHooks<M>,
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
    /** The wake-up grid's step in ms (0: wake at each due time exactly). */
    private readonly batchMs = 0,
  ) {
    this.gridOffset = batchMs > 0 ? Math.floor(Math.random() * batchMs) : 0;
  }

  /** Due slots that did not start since start: skipped (the run before still under way, or missed) or shed (waited too long). A vantage's skipped share counts these. */
  get notStarted(): number {
    return this.stats.skippedOverlap + this.stats.shed;
  }

  get size(): number {
    return this.entries.size;
  }

  get running(): number {
    return this.inFlight;
  }

  /** Replaces the set of monitors; unchanged ones keep their schedule, changed intervals are re-phased. */
  setMonitors(monitors: M[]): void {
    const seen = new Set<string>();
    for (const monitor of monitors) {
      seen.add(monitor.id);
      const entry = this.entries.get(monitor.id);
      if (entry && entry.monitor.intervalMs === monitor.intervalMs) {
        entry.monitor = monitor;
        continue;
      }
      if (entry) {
        // Re-phased in place: a run under way keeps holding the monitor and schedules the next one on the new interval.
        entry.monitor = monitor;
        entry.phase = phaseOf(monitor.id, monitor.intervalMs);
        entry.version = ++this.versions;
        if (!this.taken.has(monitor.id)) this.enqueue(entry, this.nextSlot(entry, this.now()));
        continue;
      }
      const fresh: Entry<M> = { monitor, version: ++this.versions, phase: phaseOf(monitor.id, monitor.intervalMs) };
      this.entries.set(monitor.id, fresh);
      this.enqueue(fresh, this.nextSlot(fresh, this.now()));
    }
    for (const [id, entry] of this.entries) {
      if (!seen.has(id)) {
        entry.version = ++this.versions;
        this.entries.delete(id);
      }
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private nextSlot(entry: Entry<M>, after: number): number {
    const interval = entry.monitor.intervalMs;
    const k = Math.floor((after - entry.phase) / interval) + 1;
    return k * interval + entry.phase;
  }

  private enqueue(entry: Entry<M>, at: number, urgent = false): void {
    (urgent ? this.soon : this.heap).push(at, { id: entry.monitor.id, version: entry.version });
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.heap.peekKey();
    const at = Math.min(next === undefined ? Infinity : this.wakeAt(next), this.soon.peekKey() ?? Infinity);
    if (at === Infinity || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - this.now()));
  }

  /** The first instant of the wake-up grid at or after `due` (`due` itself without a grid). */
  private wakeAt(due: number): number {
    if (this.batchMs <= 0) return due;
    return this.gridOffset + Math.ceil((due - this.gridOffset) / this.batchMs) * this.batchMs;
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    this.takeDue(this.soon, now, true);
    this.takeDue(this.heap, now, false);
    this.drain();
    this.arm();
  }

  private takeDue(heap: MinHeap<{ id: string; version: number }>, now: number, urgent: boolean): void {
    for (let key = heap.peekKey(); key !== undefined && key <= now; key = heap.peekKey()) {
      const { value } = heap.pop()!;
      const entry = this.entries.get(value.id);
      if (!entry || entry.version !== value.version) continue;
      if (this.taken.has(value.id)) {
        // The previous run still holds this monitor: skip this slot rather than stack runs.
        this.stats.skippedOverlap++;
        this.enqueue(entry, this.nextSlot(entry, now));
        continue;
      }
      this.taken.add(value.id);
      (urgent ? this.readyUrgent : this.ready).push({ id: value.id, plannedAt: key });
    }
  }

  private drain(): void {
    while (this.inFlight < this.concurrency && (this.readyUrgent.length || this.ready.length)) {
      const urgent = this.readyUrgent.length > 0;
      const { id, plannedAt } = (urgent ? this.readyUrgent : this.ready).shift()!;
      const entry = this.entries.get(id);
      if (!entry) {
        this.taken.delete(id);
        continue;
      }
      const now = this.now();
      if (!urgent && !entry.shedLast && now - plannedAt > shedAfterMs(entry.monitor.intervalMs, this.batchMs)) {
        // Saturated: a slot this stale is dropped and counted, so that the backlog stays short and the slots that do
        // run start close to their time (the oldest go first; confirmation re-probes are never dropped).
        this.stats.shed++;
        // The slots it waited through are skipped too (as a late run counts them), or the share skipped reads too low.
        this.stats.skippedOverlap += Math.floor((now - plannedAt) / entry.monitor.intervalMs);
        entry.shedLast = true;
        this.taken.delete(id);
        entry.version = ++this.versions;
        this.enqueue(entry, this.nextSlot(entry, now));
        continue;
      }
      if (!urgent) entry.shedLast = false;
      this.inFlight++;
      this.stats.started++;
      this.hooks.onDrift?.(now - plannedAt);
      void this.execute(entry, plannedAt, now);
    }
  }

  private async execute(entry: Entry<M>, plannedAt: number, startedAt: number): Promise<void> {
    let reprobeInMs: number | undefined;
    try {
      reprobeInMs = await this.hooks.run(entry.monitor, plannedAt);
    } catch {
      // run() owns its errors; a throw here must still free the slot and keep the monitor scheduled.
    } finally {
      this.inFlight--;
      this.taken.delete(entry.monitor.id);
      if (this.entries.get(entry.monitor.id) === entry) {
        entry.version = ++this.versions;
        const now = this.now();
        // A run longer than the interval cannot be stacked: the slots it overlapped are skipped, and counted. A slot
        // missed by less than the wake-up step is run at once instead: a start up to that step late must not make a
        // monitor whose timeout is close to its interval skip every other slot.
        const after = Math.max(plannedAt, now - this.batchMs);
        this.stats.skippedOverlap += Math.max(0, Math.floor((after - plannedAt) / entry.monitor.intervalMs));
        const regular = this.nextSlot(entry, after);
        // Confirmation re-probes are spaced from start to start, as regular slots are: a probe that timed out after
        // the confirmation interval is followed at once, not after another interval of waiting (3 timeouts of 300 ms
        // confirmed an outage after 1.5 s; now after 0.9 s — the failover's largest share; docs/performance.md).
        const reprobeAt = reprobeInMs === undefined ? Infinity : Math.max(now, startedAt + reprobeInMs);
        if (reprobeAt < regular) this.enqueue(entry, reprobeAt, true);
        else this.enqueue(entry, regular);
      }
      this.drain();
      this.arm();
    }
  }
}
