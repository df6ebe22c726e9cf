/** Time behind a provider, so that expiry, rate limits and (later) detection are tested with a controllable clock. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
