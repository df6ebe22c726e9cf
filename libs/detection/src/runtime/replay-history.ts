import type { ProbeResult } from '#lib/probes';
import { type DetectorPolicy, type DetectorState, type HealthChange, initialState, observe } from './detector.js';

/** A replay that stops for this long is over: the next one starts from the monitor's state again. */
const REPLAY_IDLE_MS = 10 * 60_000;

/**
 * What an agent's replayed results (buffered while it was cut off from the API) say about the history: the same
 * detector, run over that vantage's results alone in their order and with their original timestamps, gives the
 * changes it would have confirmed live. They complete `monitor_state_changes`; they never reach the live state or
 * incidents (a replayed result is history, not a vote to open). Only where that vantage alone could decide — a
 * quorum of 1 — is its view the monitor's history; with a larger quorum one vantage's past says nothing certain.
 */
export class ReplayHistory {
  private readonly replays = new Map<string, { state: DetectorState; touchedAt: number }>();

  /**
   * Feeds one replayed result; returns the change it confirms, if any. `before` is the monitor's live state when the
   * replay begins: the vantage's last entry in it is where its replay starts from.
   */
  observe(monitorId: string, vantage: string, result: ProbeResult, policy: DetectorPolicy, before: DetectorState, now: number): HealthChange | undefined {
    if (policy.quorum !== 1) return undefined;
    const key = `${monitorId}|${vantage}`;
    let replay = this.replays.get(key);
    if (!replay || now - replay.touchedAt > REPLAY_IDLE_MS) {
      const entry = before.vantages[vantage];
      const start = initialState(result.at);
      replay = { state: entry ? { ...start, health: entry.verdict, since: entry.streakSince, vantages: { [vantage]: entry } } : start, touchedAt: now };
      this.replays.set(key, replay);
    }
    replay.touchedAt = now;
    // Out of order (a batch resent after a lost acknowledgement): already counted, and a detector only goes forward.
    const last = replay.state.vantages[vantage]?.at;
    if (last !== undefined && result.at <= last) return undefined;
    const outcome = observe(replay.state, vantage, result, { ...policy, voters: [vantage], quorum: 1, excluded: {} });
    replay.state = outcome.state;
    if (!outcome.change || outcome.change.from === 'unknown') return undefined;
    return { ...outcome.change, reason: `replayed from ${vantage} (buffered while it was cut off from the API; no incident opened from it): ${outcome.change.reason}` };
  }

  /** Monitors no longer owned here: their replays end. */
  keepOnly(monitorIds: ReadonlySet<string>): void {
    for (const key of this.replays.keys()) if (!monitorIds.has(key.slice(0, key.indexOf('|')))) this.replays.delete(key);
  }
}
