import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest-random-weight) ranking of candidates for one key: every process ranks them the same way with
 * no shared state, and removing one candidate changes only the keys it ranked among the first — so when a vantage
 * goes away, only its monitors move, each to the next one of its own ranking.
 */
export function rendezvousRank(key: string, candidates: readonly string[]): string[] {
  const scored = candidates.map((c) => ({ c, score: createHash('sha1').update(`${c}:${key}`).digest().readUInt32BE(0) }));
  return scored.sort((a, b) => b.score - a.score || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0)).map((s) => s.c);
}

/**
 * k of N by rendezvous hashing over the healthy candidates: the first `k` healthy ones of the key's ranking. The
 * impaired ones ranked above the last chosen are returned apart (`displaced`): they were the key's own vantages and
 * keep probing it (without voting), so their recovery is seen and the key moves back to them.
 */
export function chooseK(key: string, candidates: readonly string[], k: number, healthy: (c: string) => boolean): { chosen: string[]; displaced: string[] } {
  const chosen: string[] = [];
  const displaced: string[] = [];
  for (const c of rendezvousRank(key, candidates)) {
    if (chosen.length >= k) break;
    if (healthy(c)) chosen.push(c);
    else if (chosen.length + displaced.length < k) displaced.push(c);
  }
  return { chosen, displaced };
}
