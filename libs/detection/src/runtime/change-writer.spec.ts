import { describe, expect, it } from 'vitest';
import { ChangeWriter, type PendingChange } from './change-writer.js';

const item = (id: string, to: string): PendingChange =>
  ({ dirty: { monitor: { id } }, change: { to } }) as unknown as PendingChange;

describe('ChangeWriter', () => {
  it('writes in batches, in arrival order, then applies each item', async () => {
    const log: string[] = [];
    const writer = new ChangeWriter(
      async (batch) => void log.push(`write ${batch.map((b) => `${b.dirty.monitor.id}:${b.change.to}`).join(',')}`),
      async (i) => void log.push(`apply ${i.dirty.monitor.id}:${i.change.to}`),
      () => undefined,
      { batchSize: 2 },
    );
    writer.push(item('a', 'down'));
    writer.push(item('b', 'up'));
    writer.push(item('a', 'up'));
    await writer.drain();
    expect(log).toEqual(['write a:down', 'apply a:down', 'write b:up,a:up', 'apply b:up', 'apply a:up']);
  });

  it('retries a failed batch, in order, until it lands: a database restart delays changes, never drops them', async () => {
    const written: string[] = [];
    const applied: string[] = [];
    const errors: number[] = [];
    const sleeps: number[] = [];
    let calls = 0;
    const writer = new ChangeWriter(
      async (batch) => {
        // The first three writes fail, as while PostgreSQL restarts.
        if (calls++ < 3) throw new Error('connection terminated');
        written.push(...batch.map((b) => b.dirty.monitor.id));
      },
      async (i) => void applied.push(i.dirty.monitor.id),
      (_e, _batch, attempt) => errors.push(attempt),
      { batchSize: 2, sleep: async (ms) => void sleeps.push(ms) },
    );
    for (const id of ['a', 'b', 'c']) writer.push(item(id, 'down'));
    await writer.drain();
    expect(written).toEqual(['a', 'b', 'c']);
    expect(applied).toEqual(['a', 'b', 'c']);
    expect(errors).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([200, 400, 800]);
    expect(writer.pending).toBe(0);
  });

  it('retries applying a written change (opening its incident) and gives up only after the last attempt, loudly', async () => {
    const finals: boolean[] = [];
    let tries = 0;
    const writer = new ChangeWriter(
      async () => undefined,
      async () => {
        if (tries++ < 2) throw new Error('deadlock detected');
      },
      (_e, _b, _a, final) => finals.push(final),
      { sleep: async () => undefined, maxApplyAttempts: 5 },
    );
    writer.push(item('a', 'down'));
    await writer.drain();
    expect(tries).toBe(3);
    expect(finals).toEqual([false, false]);
  });

  it('refuses past its memory bound instead of growing without end; the caller keeps the change', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const writer = new ChangeWriter(() => blocked, async () => undefined, () => undefined, { maxPending: 2 });
    expect(writer.push(item('a', 'down'))).toBe(true);
    expect(writer.push(item('b', 'down'))).toBe(true);
    expect(writer.push(item('c', 'down'))).toBe(false);
    expect(writer.pending).toBe(2);
    release();
    await writer.drain();
    expect(writer.pending).toBe(0);
  });
});
