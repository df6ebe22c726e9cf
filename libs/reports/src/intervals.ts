/** Half-open time intervals [start, end) in ms since the epoch. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted, non-overlapping, non-empty: overlapping or touching intervals merged. */
export function union(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

export function clip(intervals: Interval[], window: Interval): Interval[] {
  return intervals
    .map((i) => ({ start: Math.max(i.start, window.start), end: Math.min(i.end, window.end) }))
    .filter((i) => i.end > i.start);
}

/** `a` minus everything in `b`; both may be unsorted. */
export function subtract(a: Interval[], b: Interval[]): Interval[] {
  const cuts = union(b);
  const out: Interval[] = [];
  for (const piece of union(a)) {
    let start = piece.start;
    for (const cut of cuts) {
      if (cut.end <= start || cut.start >= piece.end) continue;
      if (cut.start > start) out.push({ start, end: cut.start });
      start = Math.max(start, cut.end);
      if (start >= piece.end) break;
    }
    if (start < piece.end) out.push({ start, end: piece.end });
  }
  return out;
}

export function total(intervals: Interval[]): number {
  return union(intervals).reduce((sum, i) => sum + (i.end - i.start), 0);
}

/** The time in both `a` and `b`. */
export function intersect(a: Interval[], b: Interval[]): Interval[] {
  // One window (a subject's whole life, the common case) is a clip: no need to subtract twice.
  if (b.length === 1) return union(clip(a, b[0]!));
  return subtract(a, subtract(a, b));
}
