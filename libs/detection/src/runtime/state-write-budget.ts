/** What the periodic flush knows of a tracked monitor's state. */
export interface WritableState {
  dirty: boolean;
  /** Its latest result, when this process has one (a state judged without one, silent, keeps the stored result). */
  last?: unknown;
  /** Changed beyond its latest result since it was last written. */
  significant: boolean;
  /** When it was last written by a flush (0: never). */
  writtenAt: number;
}

/**
 * The states one flush writes: every state that changed beyond its latest result (or all of them, at shutdown), and
 * of the steady ones (only the latest result is new) at most `room`, those written longest ago first — so on a large
 * fleet each steady state is rewritten in turn, a bounded number per second, instead of all of them every flush.
 */
export function statesToWrite<T extends WritableState>(states: Iterable<T>, all: boolean, room: number): T[] {
  const changed: T[] = [];
  const steady: T[] = [];
  for (const s of states) if (s.dirty && (s.last || s.significant)) (all || s.significant ? changed : steady).push(s);
  if (steady.length <= room) return [...changed, ...steady];
  return [...changed, ...steady.sort((a, b) => a.writtenAt - b.writtenAt).slice(0, room)];
}
