import { describe, expect, it } from 'vitest';
import { Bulkhead } from './bulkhead.js';
import { VigiaException } from './vigia.exception.js';

/** A piece of work that ends when told to. */
function gate(): { done: () => void; work: () => Promise<string> } {
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  return { done, work: async () => (await ended, 'ok') };
}

describe('Bulkhead: long work held to a few at once, each tenant to a few', () => {
  it('runs at most `concurrency` at once, the rest in order as slots free up', async () => {
    const bulkhead = new Bulkhead('fleet operations', 2, 10);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) => bulkhead.run(`t${i}`, async () => (started.push(i), g.work())));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(bulkhead.load).toEqual({ running: 2, waiting: 2 });
    gates[1]!.done();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.done();
    expect(await Promise.all(runs)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(bulkhead.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a tenant past its share at once (others still admitted), and frees the share after a failure', async () => {
    const bulkhead = new Bulkhead('fleet operations', 1, 2);
    const a = gate();
    const first = bulkhead.run('a', a.work);
    const second = bulkhead.run('a', a.work);
    const third = bulkhead.run('a', a.work);
    await expect(third).rejects.toBeInstanceOf(VigiaException);
    await expect(third).rejects.toThrow('2 fleet operations of this tenant are running or waiting already (at most 2 at once): try again when they have finished');
    const other = bulkhead.run('b', async () => 'b');
    a.done();
    expect(await Promise.all([first, second, other])).toEqual(['ok', 'ok', 'b']);
    await expect(bulkhead.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await bulkhead.run('a', async () => 'again')).toBe('again');
    expect(bulkhead.load).toEqual({ running: 0, waiting: 0 });
  });
});
