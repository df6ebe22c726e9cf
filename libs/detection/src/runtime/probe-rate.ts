/** How far back a vantage's probes/s and failing share look: long enough that a small fleet at 10–60 s intervals does not read 0 between its slots. */
export const PROBE_RATE_WINDOW_MS = 60_000;

interface Bucket {
  /** When this bucket was closed (ms, the caller's clock). */
  until: number;
  total: number;
  failed: number;
  skipped: number;
}

/** What a vantage reports of its own probing, over the window. */
export interface ProbeRateReading {
  probesPerSecond: number;
  /** Share of its probes that failed (null: none ran). */
  failingShare: number | null;
  /** Share of its due slots it skipped or shed instead of probing — overloaded when this is more than a trace (null: none due). */
  skippedShare: number | null;
}

/**
 * Probes started and failed over a sliding window, read once per heartbeat. Counting only since the previous beat made
 * a vantage with a few monitors flicker between 0 and 3–4 probes/s on the Vantages page, as its slots fell on one beat
 * or the next; a window of a minute holds every slot of a monitor probed at least once a minute.
 */
export class ProbeRate {
  private readonly buckets: Bucket[] = [];
  private current = { total: 0, failed: 0 };
  private skippedSoFar = 0;

  constructor(
    private readonly startedAt: number,
    private readonly windowMs = PROBE_RATE_WINDOW_MS,
  ) {}

  count(failed: boolean): void {
    this.current.total++;
    if (failed) this.current.failed++;
  }

  /**
   * Closes the counts since the last read and returns the rates over the window (or since start, when younger).
   * `skippedSoFar`: the scheduler's slots skipped or shed since start (a running total).
   */
  read(now: number, skippedSoFar = this.skippedSoFar): ProbeRateReading {
    this.buckets.push({ until: now, ...this.current, skipped: Math.max(0, skippedSoFar - this.skippedSoFar) });
    this.skippedSoFar = skippedSoFar;
    this.current = { total: 0, failed: 0 };
    // Keep the buckets wholly inside the window; the one just before it marks where the window's counting began.
    while (this.buckets.length > 1 && this.buckets[1]!.until <= now - this.windowMs) this.buckets.shift();
    const from = this.buckets.length > 1 && this.buckets[0]!.until <= now - this.windowMs ? this.buckets[0]!.until : this.startedAt;
    let total = 0;
    let failed = 0;
    let skipped = 0;
    for (const b of this.buckets) {
      if (b.until <= from) continue;
      total += b.total;
      failed += b.failed;
      skipped += b.skipped;
    }
    const seconds = Math.max(0.001, (now - from) / 1000);
    return { probesPerSecond: total / seconds, failingShare: total ? failed / total : null, skippedShare: total + skipped ? skipped / (total + skipped) : null };
  }
}
