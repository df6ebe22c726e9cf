/**
 * Each voter's first failure as a quorum's verdict names it ("<vantage>: down since <instant> (…)", detection's
 * `explain`), in seconds after `from`: "central +0.58, agent-2 +0.62" — where the benches print where a verdict's time went.
 */
export function firstFailures(reason: string, from: number): string {
  return [...reason.matchAll(/(\S+): down since (\S+) /g)].map(([, name, since]) => `${name} +${((Date.parse(since!) - from) / 1000).toFixed(2)}`).join(', ');
}
