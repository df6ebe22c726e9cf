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
      2,
    );
    writer.push(item('a', 'down'));
    writer.push(item('b', 'up'));
    writer.push(item('a', 'up'));
    await writer.drain();
    expect(log).toEqual(['write a:down', 'apply a:down', 'write b:up,a:up', 'apply b:up', 'apply a:up']);
  });

  it('reports a failed batch and does not apply it, then carries on', async () => {
    const applied: string[] = [];
    const failed: string[] = [];
    let calls = 0;
    const writer = new ChangeWriter(
      async () => {
        if (calls++ === 0) throw new Error('database gone');
      },
      async (i) => void applied.push(i.dirty.monitor.id),
      (_e, batch) => failed.push(...batch.map((b) => b.dirty.monitor.id)),
      1,
    );
    writer.push(item('a', 'down'));
    writer.push(item('b', 'down'));
    await writer.drain();
    expect(failed).toEqual(['a']);
    expect(applied).toEqual(['b']);
  });
});
