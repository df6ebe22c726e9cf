import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VigiaConfig } from '#lib/config';
import type { SqlRunner } from '#lib/persistence';

export interface Span {
  start: number;
  end: number;
}

/**
 * Records when Vigia was watching: every watchdog heartbeat extends the latest span when it is fresh (its end within
 * the silence bound, `VIGIA_WATCHDOG_SILENCE_SECONDS`, not the shorter ownership bound: a few seconds' stall of a busy
 * process is not time nobody watched), or opens a new one after a gap (every watchdog down, or the database unreachable — a heartbeat
 * that cannot be written leaves the gap). Readers get the spans and the gaps of a period.
 */
@Injectable()
export class ObservationLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
  ) {}

  /** How long after its last heartbeat a span still counts as watching. */
  get toleranceMs(): number {
    return this.config.watchdogSilenceMs;
  }

  /**
   * One statement: extend the fresh span, or open a new one. Concurrent watchdogs at worst open overlapping spans.
   * `via`: the connection to write on (the heartbeat's own, which does not wait for the pool); the pool by default.
   */
  async record(now: Date, via: SqlRunner = this.dataSource): Promise<void> {
    await via.query(
      `WITH fresh AS (
         UPDATE observation_spans SET ended_at = greatest(ended_at, $1)
          WHERE id = (SELECT id FROM observation_spans ORDER BY ended_at DESC LIMIT 1) AND ended_at >= $1::timestamptz - $2 * interval '1 millisecond'
          RETURNING id)
       INSERT INTO observation_spans (started_at, ended_at) SELECT $1, $1 WHERE NOT EXISTS (SELECT 1 FROM fresh)`,
      [now, this.toleranceMs],
    );
  }

  /** The time in [from, to) nobody watched; the tail after the last span counts as watched while within tolerance. */
  async gaps(from: number, to: number, now: number): Promise<Span[]> {
    const rows: { started_at: Date; ended_at: Date }[] = await this.dataSource.query(
      `SELECT started_at, ended_at FROM observation_spans WHERE ended_at >= $1 AND started_at < $2 ORDER BY started_at`,
      [new Date(from - this.toleranceMs), new Date(to)],
    );
    const end = Math.min(to, now);
    const gaps: Span[] = [];
    let cursor = from;
    for (const r of rows) {
      const start = r.started_at.getTime();
      // A span reaching to within tolerance of now is still being extended: the watching goes on up to now.
      const spanEnd = now - r.ended_at.getTime() <= this.toleranceMs ? now : r.ended_at.getTime();
      if (start > cursor) gaps.push({ start: cursor, end: Math.min(start, end) });
      cursor = Math.max(cursor, spanEnd);
      if (cursor >= end) break;
    }
    if (cursor < end) gaps.push({ start: cursor, end });
    return gaps.filter((g) => g.end > g.start);
  }
}
