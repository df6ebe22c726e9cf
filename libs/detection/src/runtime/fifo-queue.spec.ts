import { describe, expect, it } from 'vitest';
import { FifoQueue } from './fifo-queue.js';

describe('FifoQueue', () => {
  it('gives items back in the order they came, across its compactions, and nothing once empty', () => {
    const q = new FifoQueue<number>();
    const out: number[] = [];
    let next = 0;
    // Interleaved pushes and takes, well past the 1,024 items after which taken ones are cut off.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) q.push(next++);
      for (let i = 0; i < 60; i++) out.push(q.shift()!);
    }
    expect(q.length).toBe(5000 - 3000);
    while (q.length) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    q.push(7);
    expect([q.length, q.shift(), q.length]).toEqual([1, 7, 0]);
  });
});
