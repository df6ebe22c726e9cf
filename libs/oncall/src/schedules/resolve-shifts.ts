import { Temporal } from '@js-temporal/polyfill';

/**
 * Who is on call, as pure functions of a schedule's rules and an instant: no database, no clock. Wall-clock rules
 * (handoff times, restrictions) are read in the schedule's IANA zone through Temporal, so a daily handoff at 09:00
 * stays at 09:00 local across a DST change and a day then lasts 23 or 25 hours.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const ROTATION_UNITS = ['hours', 'days', 'weeks'] as const;
export type RotationUnit = (typeof ROTATION_UNITS)[number];

/** A window of the week when the layer is on duty, in the schedule's zone; `to` not after `from` ends the next day. */
export interface Restriction {
  days: Weekday[];
  /** HH:MM */
  from: string;
  /** HH:MM; equal to `from`: a whole day */
  to: string;
}

/** One rotation: participants in order, each for `every` `unit`, the first handoff at `start` (local date-time). */
export interface RotationLayer {
  name: string;
  /** User ids, in the order they take over; may be empty (the layer then covers nothing). */
  participants: string[];
  rotation: { every: number; unit: RotationUnit };
  /** The first handoff, local wall time in the schedule's zone: `2026-11-02T09:00`. Later handoffs keep its time of day (days, weeks). */
  start: string;
  /** Empty: on duty all the time. */
  restrictions: Restriction[];
}

/** Someone covers from–to, above every layer; among overlapping overrides the later one in the list wins. */
export interface Override {
  id?: string;
  userId: string;
  startsAt: number;
  endsAt: number;
}

export interface ScheduleRules {
  timeZone: string;
  /** Bottom first: a later layer wins wherever it has someone. */
  layers: RotationLayer[];
  overrides: Override[];
}

/** A stretch of time with one person on call (or nobody: a gap, `userId` null). */
export interface Shift {
  start: number;
  end: number;
  userId: string | null;
  /** The layer's name, `override`, or null in a gap. */
  source: string | null;
}

interface Piece {
  start: number;
  end: number;
  userId: string;
}

const DAY_MS = 86_400_000;

function zoned(local: Temporal.PlainDateTime, timeZone: string): number {
  // 'compatible': a time skipped by a spring-forward jump moves forward by the gap; a repeated one takes its first occurrence.
  return local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function handoffs(layer: RotationLayer, timeZone: string): (k: number) => number {
  const start = Temporal.PlainDateTime.from(layer.start);
  const startMs = zoned(start, timeZone);
  const { every, unit } = layer.rotation;
  if (unit === 'hours') return (k) => startMs + k * every * 3_600_000;
  const days = every * (unit === 'weeks' ? 7 : 1);
  return (k) => zoned(start.add({ days: k * days }), timeZone);
}

/** The rotation's pieces overlapping [from, to): who holds each handoff period, before restrictions. */
function rotationPieces(layer: RotationLayer, timeZone: string, from: number, to: number): Piece[] {
  const n = layer.participants.length;
  if (n === 0 || layer.rotation.every <= 0) return [];
  const at = handoffs(layer, timeZone);
  const nominal = layer.rotation.every * { hours: 3_600_000, days: DAY_MS, weeks: 7 * DAY_MS }[layer.rotation.unit];
  let k = Math.max(0, Math.floor((from - at(0)) / nominal));
  while (k > 0 && at(k) > from) k--;
  while (at(k + 1) <= from) k++;
  const pieces: Piece[] = [];
  for (; at(k) < to; k++) {
    const start = Math.max(at(k), from);
    const end = Math.min(at(k + 1), to);
    if (end > start) pieces.push({ start, end, userId: layer.participants[k % n]! });
  }
  return pieces;
}

function minutesOf(hhmm: string): { hour: number; minute: number } {
  return { hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) };
}

/** The restriction windows overlapping [from, to), as instants, merged where they touch or overlap. */
export function restrictionWindows(restrictions: Restriction[], timeZone: string, from: number, to: number): [number, number][] {
  const first = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(timeZone).toPlainDate().subtract({ days: 1 });
  const last = Temporal.Instant.fromEpochMilliseconds(to).toZonedDateTimeISO(timeZone).toPlainDate();
  const windows: [number, number][] = [];
  for (let date = first; Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    const weekday = WEEKDAYS[date.dayOfWeek - 1]!;
    for (const r of restrictions) {
      if (!r.days.includes(weekday)) continue;
      const startsAt = zoned(date.toPlainDateTime(minutesOf(r.from)), timeZone);
      const endDate = r.to <= r.from ? date.add({ days: 1 }) : date;
      const endsAt = zoned(endDate.toPlainDateTime(minutesOf(r.to)), timeZone);
      const s = Math.max(startsAt, from);
      const e = Math.min(endsAt, to);
      if (e > s) windows.push([s, e]);
    }
  }
  windows.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const top = merged.at(-1);
    if (top && w[0] <= top[1]) top[1] = Math.max(top[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

/** A layer's coverage over [from, to): its rotation cut to its restriction windows. */
export function layerPieces(layer: RotationLayer, timeZone: string, from: number, to: number): Piece[] {
  const pieces = rotationPieces(layer, timeZone, from, to);
  if (!layer.restrictions.length) return pieces;
  const windows = restrictionWindows(layer.restrictions, timeZone, from, to);
  const cut: Piece[] = [];
  for (const p of pieces) {
    for (const [s, e] of windows) {
      const start = Math.max(p.start, s);
      const end = Math.min(p.end, e);
      if (end > start) cut.push({ start, end, userId: p.userId });
    }
  }
  return cut;
}

/**
 * The final schedule over [from, to): overrides above the layers, a later layer above an earlier one; every instant
 * of the period is in exactly one shift, and a shift with `userId` null is a gap (nobody on call).
 */
export function resolveShifts(rules: ScheduleRules, from: number, to: number): Shift[] {
  if (!(to > from)) return [];
  const layers = rules.layers.map((layer) => ({ name: layer.name, pieces: layerPieces(layer, rules.timeZone, from, to) }));
  const overrides = rules.overrides.filter((o) => o.endsAt > from && o.startsAt < to);
  const cuts = new Set<number>([from, to]);
  for (const l of layers) for (const p of l.pieces) cuts.add(p.start).add(p.end);
  for (const o of overrides) cuts.add(Math.max(o.startsAt, from)).add(Math.min(o.endsAt, to));
  const bounds = [...cuts].sort((a, b) => a - b);
  const shifts: Shift[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [start, end] = [bounds[i]!, bounds[i + 1]!];
    const override = overrides.findLast((o) => o.startsAt <= start && o.endsAt > start);
    let who: Pick<Shift, 'userId' | 'source'> = { userId: null, source: null };
    if (override) who = { userId: override.userId, source: 'override' };
    else {
      for (let j = layers.length - 1; j >= 0; j--) {
        const piece = layers[j]!.pieces.find((p) => p.start <= start && p.end > start);
        if (piece) {
          who = { userId: piece.userId, source: layers[j]!.name };
          break;
        }
      }
    }
    const previous = shifts.at(-1);
    if (previous && previous.userId === who.userId && previous.source === who.source && previous.end === start) previous.end = end;
    else shifts.push({ start, end, ...who });
  }
  return shifts;
}

/** Who is on call at `at` (null: nobody, a gap), and until when that holds (looked ahead at most `horizonMs`). */
export function onCallAt(rules: ScheduleRules, at: number, horizonMs = 14 * DAY_MS): Shift {
  return resolveShifts(rules, at, at + horizonMs)[0]!;
}
