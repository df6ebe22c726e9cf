import { Field, Float, ID, Int, ObjectType, Query, Resolver, Args } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QUERY_COST, VigiaException } from '#lib/common';
import { MonitorsService } from '#lib/inventory';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';

/** The longest span one request may ask: 31 days of minutes is 44,640 points, which the dashboard's chart draws at once. */
export const LATENCY_SPAN_LIMIT_MS = 31 * 86_400_000;

/**
 * One monitor's probe results minute by minute (the rollups the watchdogs keep for the retention period), column by
 * column: element i of every list is minute i. Minutes without a result are absent, not zero, so a gap in probing is
 * a gap in the chart. Columns of scalars keep 30 days (43,200 minutes) to one small answer (see FleetMonitors).
 */
@ObjectType()
export class LatencySeries {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => [Float], { description: 'Each minute’s start, in milliseconds since the epoch' }) minuteMs: number[];
  @Field(() => [Float], { nullable: 'items', description: 'Median response time of the minute’s results, in ms; null when none answered' }) p50: (number | null)[];
  @Field(() => [Float], { nullable: 'items', description: '95th percentile response time, in ms' }) p95: (number | null)[];
  @Field(() => [Int], { description: 'Results in the minute (all vantages)' }) count: number[];
  @Field(() => [Int], { description: 'Of them, failures' }) failures: number[];
}

interface RollupRow {
  minute_ms: number;
  p50: number | null;
  p95: number | null;
  count: number;
  failures: number;
}

@Resolver(() => LatencySeries)
export class LatencySeriesResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly monitors: MonitorsService,
  ) {}

  @Query(() => LatencySeries, { description: 'Response times and failures of one monitor per minute over [from, to), at most 31 days', complexity: QUERY_COST.report })
  async latencySeries(
    @CurrentPrincipal() principal: Principal,
    @Args('monitorId', { type: () => ID }) monitorId: string,
    @Args('from') from: Date,
    @Args('to') to: Date,
  ): Promise<LatencySeries> {
    if (!(to.getTime() > from.getTime())) throw new VigiaException('VALIDATION_FAILED', 'End of the period: must be after its start', 'to');
    if (to.getTime() - from.getTime() > LATENCY_SPAN_LIMIT_MS) throw new VigiaException('VALIDATION_FAILED', 'Period: at most 31 days at a time', 'to');
    // NOT_FOUND for another tenant's monitor, as for any id.
    const monitor = await this.monitors.scope.get(principal, monitorId, 'monitorId');
    const rows: RollupRow[] = await this.dataSource.query(
      `SELECT (extract(epoch FROM minute) * 1000)::float8 AS minute_ms, latency_p50 AS p50, latency_p95 AS p95, count, failures
         FROM probe_rollups WHERE monitor_id = $1 AND tenant_id = $2 AND minute >= $3 AND minute < $4 ORDER BY minute`,
      [monitor.id, principal.tenantId, from, to],
    );
    const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
    return {
      from, to,
      minuteMs: rows.map((r) => r.minute_ms),
      p50: rows.map((r) => round(r.p50)),
      p95: rows.map((r) => round(r.p95)),
      count: rows.map((r) => r.count),
      failures: rows.map((r) => r.failures),
    };
  }
}
