/**
 * At most one log line per `everyMs` for something that can happen in floods (refused agent messages, refused
 * connections, questions while the database is away), saying how many occurrences the line stands for: a hostile or
 * broken client must not fill the log, and the count must not be lost either.
 */
export class LogThrottle {
  private loggedAt = Number.NEGATIVE_INFINITY;
  private since = 0;

  constructor(private readonly everyMs = 10_000) {}

  /** Counts `n` occurrences; returns how many there were since the last line when a line is due now, else undefined. */
  count(n = 1, now = performance.now()): number | undefined {
    this.since += n;
    if (now - this.loggedAt < this.everyMs) return undefined;
    this.loggedAt = now;
    const since = this.since;
    this.since = 0;
    return since;
  }
}
