// Report durations are written by common's formatter, which alerts (upstream of reports) use too.
export { durationParts, formatDuration } from '#lib/common';
/**
 * SLA targets as integer parts per million (99.9 % = 999,000 ppm), so allowed downtime is exact:
 * 99.9 % of a 30-day month is 43 min 12 s, of a 365-day year 8 h 45 min 36 s; 99.99 % of a year 52 min 33.6 s.
 */
export function targetPpm(percent: number): number {
  if (!(percent > 0 && percent <= 100)) throw new RangeError('target: must be a percentage above 0 and at most 100');
  const ppm = Math.round(percent * 10_000);
  if (Math.abs(ppm - percent * 10_000) > 1e-6) throw new RangeError('target: at most four decimals (e.g. 99.9995)');
  return ppm;
}

/** Allowed downtime in ms for a target over a span of `periodMs` (planned time already excluded), rounded to the ms. */
export function allowedDowntimeMs(percent: number, periodMs: number): number {
  return Math.round((periodMs * (1_000_000 - targetPpm(percent))) / 1_000_000);
}

/** "Nines": 99.9 % → 3, 99.95 % → 3.3; a perfect record has no finite number of nines (null). */
export function nines(availability: number): number | null {
  if (availability >= 1) return null;
  return Math.round(-Math.log10(1 - availability) * 100) / 100;
}

export interface ErrorBudget {
  allowedMs: number;
  usedMs: number;
  remainingMs: number;
  /** Share of the budget used, 0 … ∞ (above 1: breached). */
  usedRatio: number;
  breached: boolean;
}

export function errorBudget(percent: number, accountableMs: number, downtimeMs: number): ErrorBudget {
  const allowedMs = allowedDowntimeMs(percent, accountableMs);
  return {
    allowedMs,
    usedMs: downtimeMs,
    remainingMs: allowedMs - downtimeMs,
    usedRatio: allowedMs === 0 ? (downtimeMs > 0 ? Infinity : 0) : downtimeMs / allowedMs,
    breached: downtimeMs > allowedMs,
  };
}

/** Availability as a percentage truncated to three decimals (never rounded up); the epsilon undoes binary floating point (0.57 × 1e5 = 56999.99999999999). */
export function truncatedPercent(availability: number): number {
  return Math.floor(availability * 1e5 + 1e-6) / 1e3;
}

/** 99.9123 % shown as "99.912 %": truncated, never rounded up to a better figure than measured. */
export function formatPercent(availability: number | null): string {
  return availability === null ? '–' : `${truncatedPercent(availability).toFixed(3)} %`;
}
