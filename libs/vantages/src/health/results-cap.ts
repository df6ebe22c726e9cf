/** Seconds of results a vantage may send at once above its rate (a reconnect's first batches, a replay's start). */
const BURST_SECONDS = 10;

/**
 * A per-vantage cap on results per second (a token bucket: `perSecond` refilled continuously, ten seconds' worth held
 * at most). What one agent sends beyond it is refused and counted, so a flooding vantage — a tenant's private agent
 * gone wrong or hostile — cannot fill the inbox faster than the watchdogs drain it for everyone else.
 */
export class ResultsCap {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond * BURST_SECONDS;
    this.last = now;
  }

  /** How many of `wanted` results may be taken now (the rest are over the cap). */
  take(wanted: number, now: number): number {
    this.tokens = Math.min(this.perSecond * BURST_SECONDS, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }
}
