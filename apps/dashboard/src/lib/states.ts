/** What the fleet shows for a monitor: maintenance wins over the detector's health, flapping too unless it is down. */
export type DisplayState = 'down' | 'suspect' | 'degraded' | 'flapping' | 'maintenance' | 'unknown' | 'up' | 'disabled';

/** Worst first: the order of the summary bar and of "worst state of a host". */
export const STATE_ORDER: DisplayState[] = ['down', 'suspect', 'degraded', 'flapping', 'maintenance', 'unknown', 'up', 'disabled'];

export const STATE_LABEL: Record<DisplayState, string> = {
  down: 'Down',
  suspect: 'Suspect',
  degraded: 'Degraded',
  flapping: 'Flapping',
  maintenance: 'Maintenance',
  unknown: 'Unknown',
  up: 'Up',
  disabled: 'Disabled',
};

/** A glyph beside each colour so the state reads without colour vision too. */
export const STATE_GLYPH: Record<DisplayState, string> = {
  down: '■',
  suspect: '◆',
  degraded: '▲',
  flapping: '≈',
  maintenance: '⚒',
  unknown: '?',
  up: '●',
  disabled: '○',
};

export function worstOf(states: Iterable<DisplayState>): DisplayState {
  let worst: DisplayState = 'disabled';
  for (const s of states) if (STATE_ORDER.indexOf(s) < STATE_ORDER.indexOf(worst)) worst = s;
  return worst;
}
