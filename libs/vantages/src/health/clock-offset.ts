import { IMPAIRMENT_BOUNDS } from './impairment.js';

/** Samples kept: at one heartbeat every 2 s, the last 10 s. */
const SAMPLES = 5;

/**
 * An agent's clock offset from the API's, and its timestamps moved onto the API's clock. Each heartbeat gives one
 * sample: the agent's send time minus the API's receive time, i.e. the true offset minus that message's one-way
 * latency. The largest recent sample has the least latency in it (NTP's minimum filter), so it is the estimate.
 * Within the impairment bound the agent's results are corrected by it — streaks, outage starts, freshness and the
 * history then rest on one clock; beyond the bound the vantage is impaired (it does not vote) and its timestamps are
 * kept as sent: an offset that large is a broken clock, not one to guess a correction for.
 */
export class ClockOffset {
  private samples: number[] = [];

  constructor(private readonly boundMs: number = IMPAIRMENT_BOUNDS.clockSkewMs) {}

  /** One heartbeat: the agent's `sentAt` and when it arrived by the API's clock. Returns the estimate after it. */
  sample(sentAt: number, receivedAt: number): number {
    this.samples.push(sentAt - receivedAt);
    if (this.samples.length > SAMPLES) this.samples.shift();
    return this.estimate()!;
  }

  /** The offset (agent minus API, ms), or null before the first heartbeat. */
  estimate(): number | null {
    return this.samples.length ? Math.max(...this.samples) : null;
  }

  /** A timestamp of the agent's on the API's clock: corrected within the bound, unchanged before a heartbeat or beyond it. */
  toApiTime(at: number): number {
    const offset = this.estimate();
    return offset !== null && Math.abs(offset) <= this.boundMs ? at - offset : at;
  }
}
