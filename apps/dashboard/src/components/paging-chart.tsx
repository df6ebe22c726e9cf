import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useResolvedTheme } from './theme-choice.js';

/** A day of the paging report as the API gives it (the tenant's calendar day). */
export interface PagingDay {
  day: string;
  pagesSent: number;
  acknowledged: number;
  noise: number;
  pagesAtNight: number;
  ttaP50Seconds: number | null;
}

/** The columns uPlot draws: x (the day's UTC midnight, labelled as the day itself), pages, at night, noise, TTA minutes. */
export function pagingColumns(days: PagingDay[]): uPlot.AlignedData {
  return [
    days.map((d) => Date.parse(`${d.day}T00:00:00Z`)),
    days.map((d) => d.pagesSent),
    days.map((d) => d.pagesAtNight),
    days.map((d) => d.noise),
    days.map((d) => (d.ttaP50Seconds === null ? null : Math.round((d.ttaP50Seconds / 60) * 10) / 10)),
  ];
}

/**
 * The paging report's chart, by uPlot as the response-time chart: pages per day as bars (those at night and the
 * noise beside them), and the day's median time to acknowledge as a line on its own scale (minutes). The days are the
 * tenant's calendar days, so the axis is drawn in UTC on the days' midnights: no zone shifts a day.
 */
export function PagingChart({ days, label }: { days: PagingDay[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useResolvedTheme();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(el);
    const axis = { stroke: css.getPropertyValue('--chart-axis').trim(), grid: { stroke: css.getPropertyValue('--chart-grid').trim() }, ticks: { stroke: css.getPropertyValue('--chart-grid').trim() } };
    const bars = (offset: number) => uPlot.paths.bars!({ size: [0.25, 24], align: offset as -1 | 0 | 1 });
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth || 720),
        height: 220,
        ms: 1,
        tzDate: (ts) => uPlot.tzDate(new Date(ts), 'UTC'),
        // Half a day either side, so the first and last days' bars are not cut by the frame; whole pages on the axis.
        scales: { x: { range: (_u, min, max) => [min - 43_200_000, max + 43_200_000] }, tta: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1) * 1.2] } },
        axes: [
          axis,
          { ...axis, label: 'pages', size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
          { ...axis, scale: 'tta', side: 1, label: 'minutes to ack', size: 60, grid: { show: false } },
        ],
        series: [
          { value: (_u, v) => (v == null ? '—' : new Date(v).toISOString().slice(0, 10)) },
          { label: 'pages sent', stroke: '#2563eb', fill: 'rgba(37, 99, 235, 0.55)', paths: bars(-1), points: { show: false } },
          { label: 'at night', stroke: '#7c3aed', fill: 'rgba(124, 58, 237, 0.55)', paths: bars(0), points: { show: false } },
          { label: 'noise', stroke: '#dc2626', fill: 'rgba(220, 38, 38, 0.55)', paths: bars(1), points: { show: false } },
          { label: 'median time to acknowledge', scale: 'tta', stroke: '#d97706', width: 2, spanGaps: false, value: (_u, v) => (v == null ? '—' : `${v} min`) },
        ],
      },
      pagingColumns(days),
      el,
    );
    el.dataset.days = String(days.length);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days, theme]);
  return <div ref={box} className="latency-chart" role="img" aria-label={label} data-testid="paging-chart" />;
}
