import { type DisplayState, STATE_GLYPH, STATE_LABEL } from '../lib/states.js';

/** Colour, glyph and word: readable at a glance, in grey-scale and by a screen reader. */
export function StatusBadge({ state, compact }: { state: DisplayState; compact?: boolean }) {
  return (
    <span className={`badge badge-${state}`} data-state={state}>
      <span aria-hidden="true">{STATE_GLYPH[state]}</span>
      {compact ? <span className="sr-only">{STATE_LABEL[state]}</span> : ` ${STATE_LABEL[state]}`}
    </span>
  );
}

const RUN_STATE: Record<string, DisplayState> = {
  succeeded: 'up',
  running: 'maintenance',
  pending: 'unknown',
  waiting_approval: 'degraded',
  needs_operator: 'suspect',
  failed: 'down',
  aborted: 'disabled',
};

/** Run and step statuses in the same colours: green done, amber waiting for a person, red failed. */
export function RunStatusBadge({ status }: { status: string }) {
  const state = RUN_STATE[status] ?? 'unknown';
  return (
    <span className={`badge badge-${state}`} data-status={status}>
      {status.replace('_', ' ')}
    </span>
  );
}
