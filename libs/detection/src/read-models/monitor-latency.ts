import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One monitor's response time over a period, from its per-minute rollups. */
export interface MonitorLatencySummary {
  monitorId: string;
  /** The median of the minutes' medians (`latency_p50`), in ms. */
  medianMs: number;
  /** Minutes with an answered result that went into it. */
  minutes: number;
}

/**
 * Detection's port for response times summarised over a period (status pages' response-time badge): read from the
 * same per-minute rollups as `latencySeries`, the monitor page's chart, so the two never disagree. Tenant-scoped:
 * another tenant's monitor ids give nothing.
 */
@Injectable()
export class MonitorLatency {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Per monitor, the median over [from, to) of its minutes' median response times. Minutes where no result answered
   * (`latency_p50` null) are left out, so an outage does not read as a fast minute; a monitor with no such minute is
   * absent from the answer.
   */
  async medians(tenantId: string, monitorIds: string[], from: Date, to: Date): Promise<MonitorLatencySummary[]> {
    if (!monitorIds.length) return [];
    const rows: { monitor_id: string; median: number; minutes: number }[] = await this.dataSource.query(
      `SELECT monitor_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_p50)::float8 AS median, count(*)::int AS minutes
         FROM probe_rollups
        WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND minute >= $3 AND minute < $4 AND latency_p50 IS NOT NULL
        GROUP BY monitor_id`,
      [tenantId, monitorIds, from, to],
    );
    return rows.map((r) => ({ monitorId: r.monitor_id, medianMs: r.median, minutes: r.minutes }));
  }
}
