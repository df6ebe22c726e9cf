import { describe, expect, it } from 'vitest';
import { chooseK, rendezvousRank } from './rendezvous.js';

const vantages = ['central', 'a', 'b', 'c', 'd'];
const keys = Array.from({ length: 2000 }, (_, i) => `monitor-${i}`);

describe('k-of-N by rendezvous hashing', () => {
  it('ranks the same way every time and in any candidate order', () => {
    expect(rendezvousRank('m1', vantages)).toEqual(rendezvousRank('m1', [...vantages].reverse()));
  });

  it('spreads keys evenly: each of 5 vantages is chosen for about 2/5 of the keys at k = 2', () => {
    const counts = new Map<string, number>();
    for (const key of keys) for (const c of chooseK(key, vantages, 2, () => true).chosen) counts.set(c, (counts.get(c) ?? 0) + 1);
    for (const v of vantages) {
      expect(counts.get(v)! / keys.length).toBeGreaterThan(0.33);
      expect(counts.get(v)! / keys.length).toBeLessThan(0.47);
    }
  });

  it('an impaired vantage is replaced by the next healthy one of each key; no other key moves', () => {
    let moved = 0;
    for (const key of keys) {
      const before = chooseK(key, vantages, 2, () => true);
      const after = chooseK(key, vantages, 2, (c) => c !== 'b');
      expect(after.chosen).toHaveLength(2);
      expect(after.chosen).not.toContain('b');
      if (before.chosen.includes('b')) {
        moved++;
        // The healthy one stays, b's place goes to the key's third choice; b keeps probing it (displaced).
        expect(after.chosen).toEqual([...before.chosen.filter((c) => c !== 'b'), rendezvousRank(key, vantages)[2]]);
        expect(after.displaced).toEqual(['b']);
      } else {
        expect(after).toEqual(before);
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.33);
  });

  it('fewer healthy candidates than k: all the healthy ones, and the impaired ones of the first k as displaced', () => {
    const picked = chooseK('m1', ['a', 'b', 'c'], 3, (c) => c === 'a');
    expect(picked.chosen).toEqual(['a']);
    expect(picked.displaced.sort()).toEqual(['b', 'c']);
  });
});
