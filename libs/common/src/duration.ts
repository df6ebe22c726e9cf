/** The parts of a report duration: whole days, hours and minutes (zero units left out), then milliseconds left. */
export function durationParts(ms: number): { units: [number, 'd' | 'h' | 'min'][]; restMs: number } {
  let rest = Math.round(Math.abs(ms));
  const units: [number, 'd' | 'h' | 'min'][] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000]] as const) {
    const n = Math.floor(rest / size);
    if (n) units.push([n, unit]);
    rest -= n * size;
  }
  return { units, restMs: rest };
}

/**
 * Report durations, exact to the millisecond and never dropping a unit: 43 min 12 s, 8 h 45 min 36 s, 52 min 33.6 s,
 * 3 d 15 h 36 min, 0.605 s. Zero units are left out; seconds carry up to three decimals. The customer page's
 * languages print the same parts (`ReportFormat.duration`); the dashboard's `reportDuration` prints the same (a test
 * holds them together: two builds).
 */
export function formatDuration(ms: number): string {
  const { units, restMs } = durationParts(ms);
  const parts = units.map(([n, unit]) => `${n} ${unit}`);
  if (restMs || !parts.length) parts.push(`${Number((restMs / 1000).toFixed(3))} s`);
  return (ms < 0 ? '−' : '') + parts.join(' ');
}
