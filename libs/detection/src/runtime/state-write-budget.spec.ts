import { describe, expect, it } from 'vitest';
import { statesToWrite, type WritableState } from './state-write-budget.js';
import { differsBeyondLatest, initialState, observe, DEFAULT_POLICY } from './detector.js';

const state = (id: number, over: Partial<WritableState> = {}): WritableState & { id: number } => ({ id, dirty: true, last: {}, significant: false, writtenAt: id, ...over });

describe('the state write budget', () => {
  it('writes every changed state, and steady ones only up to the room, longest unwritten first', () => {
    const states = [state(5), state(1), state(9, { significant: true }), state(3), state(7, { dirty: false }), state(2, { last: undefined })];
    expect(statesToWrite(states, false, 2).map((s) => s.id)).toEqual([9, 1, 3]);
    expect(statesToWrite(states, false, 10).map((s) => s.id)).toEqual([9, 5, 1, 3]);
  });

  it('at shutdown writes every dirty state, whatever the room', () => {
    expect(statesToWrite([state(1), state(2), state(3)], true, 0).map((s) => s.id)).toEqual([1, 2, 3]);
  });

  it('a steady result is not news; a verdict or run that changes is', () => {
    const up = (at: number, latencyMs: number) => ({ status: 'up' as const, latencyMs, reason: `HTTP 200 in ${latencyMs} ms`, at });
    let s = initialState(0);
    s = observe(s, 'central', up(1000, 1), DEFAULT_POLICY).state;
    const again = observe(s, 'central', up(2000, 2), DEFAULT_POLICY).state;
    expect(differsBeyondLatest(s, again)).toBe(false);
    const failing = observe(again, 'central', { status: 'down', latencyMs: 0, reason: 'refused', at: 3000 }, DEFAULT_POLICY).state;
    expect(differsBeyondLatest(again, failing)).toBe(true);
    const secondVantage = observe(again, 'agent-1', up(2500, 3), DEFAULT_POLICY).state;
    expect(differsBeyondLatest(again, secondVantage)).toBe(true);
  });
});
