import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { useLiveFleet } from '../api/live-fleet.js';
import { BlindBanner } from '../components/blind-banner.js';
import { QueryError } from '../components/form.js';
import { ReconnectBanner } from '../components/reconnect-banner.js';
import { StatusBadge } from '../components/status-badge.js';
import { displayState, type FleetRow } from '../lib/fleet.js';
import { ago, localizeInstants } from '../lib/format.js';
import { type DisplayState, STATE_LABEL } from '../lib/states.js';

/** The Fleet's live feed, word for word: the wall is the Fleet's data in another shape. */
/** What the wall lists, in this order; up, unknown and paused monitors are only counted. */
const PROBLEM_ORDER: DisplayState[] = ['down', 'suspect', 'degraded', 'flapping', 'maintenance'];
/** Auto-scroll: a pause at each end long enough to read a screen, then a pace the eye follows from across a room. */
const PAUSE_MS = 4_000;
const PX_PER_SECOND = 40;
/** "12 s ago" moves on without an event (a few dozen rows: a render a second costs nothing). */
const TICK_MS = 1_000;

/**
 * The NOC screen (/wall): problems first in large type, nothing to click, no navigation. Live like the Fleet (the
 * same query and `monitorStateChanged` feed, read again after a reconnection); when the problems do not fit the
 * screen the list scrolls itself, pausing at the top and the bottom. "Vigia cannot see" is shown here too: a wall of
 * green from a blind Vigia would be a lie.
 */
export function WallPage() {
  const { rows, total, error } = useLiveFleet();
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const { problems, counts } = useMemo(() => problemsOf(rows), [rows]);
  const list = useRef<HTMLOListElement>(null);
  useAutoScroll(list);
  const enabled = rows.length - (counts.get('disabled') ?? 0);
  const up = counts.get('up') ?? 0;

  return (
    <div className="wall" data-testid="wall">
      <ReconnectBanner />
      <BlindBanner />
      <header className="wall-head">
        <h1>Vigia</h1>
        <p className="wall-counts" data-testid="wall-counts">
          {[...PROBLEM_ORDER, 'up' as const, 'unknown' as const, 'disabled' as const]
            .filter((s) => counts.get(s))
            .map((s) => `${counts.get(s)} ${STATE_LABEL[s].toLowerCase()}`)
            .join(' · ') || (total !== undefined ? 'no monitors' : '')}
          {total !== undefined && total > rows.length ? ` (first ${rows.length} of ${total})` : ''}
        </p>
      </header>
      <QueryError error={error} />
      {total === undefined ? (
        <p className="wall-note" role="status">
          Loading the fleet…
        </p>
      ) : problems.length ? (
        <ol ref={list} className="wall-list" aria-label={`${problems.length} monitors need attention`} data-testid="wall-list">
          {problems.map(({ row, state }) => (
            <li key={row.monitorId} className={`wall-row wall-row-${state}`} data-monitor={row.monitorName} data-state={state}>
              <StatusBadge state={state} />
              <span className="wall-name">
                <span className="wall-host">{row.hostName}</span>
                {row.serviceName ? ` · ${row.serviceName}` : ''} · <strong>{row.monitorName}</strong>
              </span>
              <span className="wall-reason">{row.reason && localizeInstants(row.reason)}</span>
              <span className="wall-since">{ago(row.since, now)}</span>
            </li>
          ))}
        </ol>
      ) : enabled ? (
        <p className="wall-all-up" data-testid="wall-all-up">
          {up === 1 ? 'The 1 monitor is up' : `All ${up} monitors up`}
          {up < enabled ? <span className="wall-note"> ({enabled - up} not yet probed)</span> : null}
        </p>
      ) : (
        <p className="wall-note">No monitors yet.</p>
      )}
    </div>
  );
}

/** The monitors to show, worst state first and the latest change first within a state; and every state's count. */
function problemsOf(rows: FleetRow[]): { problems: { row: FleetRow; state: DisplayState }[]; counts: Map<DisplayState, number> } {
  const counts = new Map<DisplayState, number>();
  const problems: { row: FleetRow; state: DisplayState; rank: number; at: number }[] = [];
  for (const row of rows) {
    const state = displayState(row);
    counts.set(state, (counts.get(state) ?? 0) + 1);
    const rank = PROBLEM_ORDER.indexOf(state);
    if (rank >= 0) problems.push({ row, state, rank, at: row.since ? Date.parse(row.since) : 0 });
  }
  problems.sort((a, b) => a.rank - b.rank || b.at - a.at);
  return { problems, counts };
}

/**
 * Scrolls a list longer than its box by itself, as nobody at the wall can: a pause at the top, down at a steady
 * pace, a pause at the bottom, back up faster, and again. The position is kept as a number here because the browser
 * rounds scrollTop, which would swallow a frame's fraction of a pixel.
 */
function useAutoScroll(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    let frame = 0;
    let last = performance.now();
    let pausedUntil = last + PAUSE_MS;
    let down = true;
    let position = 0;
    const step = (at: number) => {
      const el = ref.current;
      const seconds = Math.min(at - last, 100) / 1000;
      last = at;
      const room = el ? el.scrollHeight - el.clientHeight : 0;
      if (!el || room <= 0) {
        position = 0;
        down = true;
        pausedUntil = at + PAUSE_MS;
      } else if (at >= pausedUntil) {
        position = Math.min(room, Math.max(0, position + (down ? 1 : -4) * PX_PER_SECOND * seconds));
        if ((down && position >= room) || (!down && position <= 0)) {
          down = !down;
          pausedUntil = at + PAUSE_MS;
        }
        el.scrollTop = position;
      } else {
        position = Math.min(position, room);
      }
      frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [ref]);
}
