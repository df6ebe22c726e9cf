import { percent } from '../lib/format.js';

export interface Bucket {
  from: string;
  to: string;
  figures: { percent: number | null; downtimeMs: number };
}

/**
 * One bar per day (or week, month): height is availability on a scale from just below the worst day (at most 99 %) to 100 %,
 * so a 99.95 % day is visibly short; colour by the SLA target. A table with the same numbers follows for screen
 * readers and for copying.
 */
/** A bucket's local date in the report's time zone (a Madrid day starts at 23:00 or 22:00 UTC). */
function day(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { timeZone, year: 'numeric', month: 'short', day: 'numeric' });
}

export function AvailabilityChart({ buckets, target, timeZone }: { buckets: Bucket[]; target: number | null; timeZone: string }) {
  const values = buckets.map((b) => b.figures.percent).filter((v): v is number => v !== null);
  // The worst period still gets a visible bar: the scale starts a little below it.
  const worst = Math.min(100, ...values);
  const floor = Math.max(0, Math.min(99, Math.floor((worst - (100 - worst) * 0.15) * 10) / 10));
  const width = 720;
  const height = 160;
  const bar = width / Math.max(1, buckets.length);
  const y = (v: number) => height - ((v - floor) / (100 - floor)) * height;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`Availability per period, from ${floor} % to 100 %`}>
        {target !== null && target >= floor && <line x1={0} x2={width} y1={y(target)} y2={y(target)} className="target-line" />}
        {buckets.map((b, i) => {
          const v = b.figures.percent;
          const cls = v === null ? 'bar-none' : target !== null && v < target ? 'bar-bad' : v < 100 ? 'bar-warn' : 'bar-ok';
          const top = v === null ? height - 2 : Math.min(height - 2, y(v));
          return (
            <rect key={b.from} x={i * bar + 1} width={Math.max(1, bar - 2)} y={top} height={height - top} className={cls}>
              <title>
                {day(b.from, timeZone)}: {percent(v)}
              </title>
            </rect>
          );
        })}
        <text x={0} y={height + 16} className="axis">
          {buckets[0] ? day(buckets[0].from, timeZone) : ''}
        </text>
        <text x={width} y={height + 16} textAnchor="end" className="axis">
          {buckets.length ? day(buckets[buckets.length - 1]!.from, timeZone) : ''}
        </text>
      </svg>
      <figcaption className="muted">
        Bars: availability per period (scale {floor} %–100 %){target !== null ? `; line: SLA target ${target} %` : ''}.{' '}
        {target !== null ? 'Red: below target; amber: some downtime, at or above target; green: none.' : 'Amber: some downtime; green: none.'}
      </figcaption>
    </figure>
  );
}
