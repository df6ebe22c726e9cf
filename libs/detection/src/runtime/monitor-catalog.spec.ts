import { describe, expect, it } from 'vitest';
import { ownedIds, ownerOf } from './monitor-catalog.js';

describe('ownedIds (who owns what when only the live watchdogs change)', () => {
  const ids = Array.from({ length: 3000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  it('splits the fleet among the live watchdogs: every monitor owned once, as ownerOf says, in shares near even', () => {
    const live = ['w-a', 'w-b', 'w-c'];
    const shares = live.map((w) => ownedIds(ids, w, live));
    expect(shares.flat().sort()).toEqual([...ids].sort());
    for (const [i, share] of shares.entries()) {
      for (const id of share.slice(0, 50)) expect(ownerOf(id, live)).toBe(live[i]);
      expect(share.length).toBeGreaterThan(800);
    }
  });

  it('when a watchdog dies only its monitors move, and a watchdog not yet seen live counts itself', () => {
    const before = ownedIds(ids, 'w-a', ['w-a', 'w-b', 'w-c']);
    const after = ownedIds(ids, 'w-a', ['w-b', 'w-c']);
    expect(after).toEqual(expect.arrayContaining(before));
    const fromC = new Set(ownedIds(ids, 'w-c', ['w-a', 'w-b', 'w-c']));
    expect(after.filter((id) => !before.includes(id)).every((id) => fromC.has(id))).toBe(true);
    expect(ownedIds(ids, 'w-new', [])).toEqual(ids);
  });
});
