/** A connection the egress policy refused; its message is the probe reason or step error a tenant sees. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';

  /**
   * `configured`: the refused address is the one configured (an address literal, a socket path) — a setting at odds
   * with the policy, not something the target did. Otherwise a name resolved to it (a DNS answer: what a visitor's
   * resolver would give too) or a redirect led there.
   */
  constructor(message: string, readonly configured = false) {
    super(message);
  }
}

/** How every refusal's message begins: agents built before results carried `refused` say it only in these words. */
export const REFUSAL_PREFIX = 'refused by egress policy: ';

export function refusal(why: string, configured = false): EgressRefusedError {
  return new EgressRefusedError(`${REFUSAL_PREFIX}${why}`, configured);
}
