/** A connection the egress policy refused; its message is the probe reason or step error a tenant sees. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
}

/** How every refusal's message begins: agents built before results carried `refused` say it only in these words. */
export const REFUSAL_PREFIX = 'refused by egress policy: ';

export function refusal(why: string): EgressRefusedError {
  return new EgressRefusedError(`${REFUSAL_PREFIX}${why}`);
}
