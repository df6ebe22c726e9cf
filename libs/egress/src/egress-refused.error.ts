/** A connection the egress policy refused; its message is the probe reason or step error a tenant sees. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
}

export function refusal(why: string): EgressRefusedError {
  return new EgressRefusedError(`refused by egress policy: ${why}`);
}
