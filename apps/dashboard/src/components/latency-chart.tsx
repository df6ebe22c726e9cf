import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { displayZone } from '../lib/clock.js';
import { useResolvedTheme } from './theme-choice.js';

/** A monitor's minutes as latencySeries returns them: element i of every list is minute i. */
export interface LatencyColumns {
  minuteMs: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  count: number[];
  failures: number[];
}

/**
 * The columns uPlot draws: x in ms, then p50, p95 and failed results. A missing stretch of minutes (longer than twice
 * the monitor's interval, at least two minutes) gets one null point so the line breaks there: a gap in probing is not
 * drawn as a straight line across it.
 */
export function chartColumns(series: LatencyColumns, intervalMs: number): uPlot.AlignedData {
  const gap = Math.max(2 * intervalMs, 120_000);
  const x: number[] = [];
  const p50: (number | null)[] = [];
  const p95: (number | null)[] = [];
  const failed: (number | null)[] = [];
  for (let i = 0; i < series.minuteMs.length; i++) {
    const at = series.minuteMs[i]!;
    if (i > 0 && at - series.minuteMs[i - 1]! > gap) {
      x.push(series.minuteMs[i - 1]! + 60_000);
      p50.push(null);
      p95.push(null);
      failed.push(null);
    }
    x.push(at);
    p50.push(series.p50[i] ?? null);
    p95.push(series.p95[i] ?? null);
    failed.push(series.failures[i] ? series.failures[i]! : null);
  }
  return [x, p50, p95, failed];
}

/**
 * Response time per minute (median and 95th percentile) with the minutes that had failures as bars, drawn by uPlot on
 * a canvas: 30 days of minutes (43,200 points) draw in tens of milliseconds (docs/libraries.md, `npm run
 * bench:dashboard`). Times follow the dashboard's one clock. The figure records how long its first draw took in
 * `data-draw-ms`, for the benchmark.
 */
export function LatencyChart({ series, intervalMs, label }: { series: LatencyColumns; intervalMs: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  // The canvas does not follow CSS: the chart is built again with the theme's axis colours when the theme changes.
  const theme = useResolvedTheme();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const started = performance.now();
    const zone = displayZone();
    const width = Math.max(320, el.clientWidth || 720);
    let drawn = false;
    const css = getComputedStyle(el);
    const axis = { stroke: css.getPropertyValue('--chart-axis').trim(), grid: { stroke: css.getPropertyValue('--chart-grid').trim() }, ticks: { stroke: css.getPropertyValue('--chart-grid').trim() } };
    const plot = new uPlot(
      {
        width,
        height: 220,
        ms: 1,
        tzDate: (ts) => uPlot.tzDate(new Date(ts), zone),
        scales: { failed: { range: (_u, _min, max) => [0, Math.max(1, max) * 4] } },
        axes: [axis, { ...axis, label: 'ms', size: 60 }, { scale: 'failed', side: 1, show: false }],
        series: [
          {},
          { label: 'median', stroke: '#2563eb', width: 1, spanGaps: false, value: (_u, v) => (v == null ? '—' : `${v} ms`) },
          { label: '95th percentile', stroke: '#9333ea', width: 1, spanGaps: false, value: (_u, v) => (v == null ? '—' : `${v} ms`) },
          { label: 'failed results', scale: 'failed', stroke: '#dc2626', fill: 'rgba(220, 38, 38, 0.5)', paths: uPlot.paths.bars!({ size: [1, 6] }), points: { show: false } },
        ],
        hooks: {
          draw: [
            () => {
              if (drawn) return;
              drawn = true;
              el.dataset.drawMs = (performance.now() - started).toFixed(1);
            },
          ],
        },
      },
      chartColumns(series, intervalMs),
      el,
    );
    el.dataset.points = String(series.minuteMs.length);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, intervalMs, theme]);
  return <div ref={box} className="latency-chart" role="img" aria-label={label} data-testid="latency-chart" />;
}
