import { type AddressInfo, connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProbeType } from './probe-kinds.js';
import type { Probe } from './probe.js';
import { ProbeRunner } from './probe-runner.js';

const target = { type: ProbeType.tcp, config: {}, address: '127.0.0.1', timeoutMs: 200 };

describe('ProbeRunner', () => {
  it('turns a probe that throws into down with the error as reason', async () => {
    const throwing: Probe = { type: ProbeType.tcp, check: async () => { throw Object.assign(new Error('boom'), { code: 'EBOOM' }); } };
    const result = await new ProbeRunner([throwing]).run(target);
    expect(result).toMatchObject({ status: 'down', reason: 'EBOOM: boom' });
  });

  it('answers a probe that never returns with down at the deadline, and aborts it', async () => {
    let aborted = false;
    const hanging: Probe = {
      type: ProbeType.tcp,
      check: (_t, signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = true))),
    };
    const started = Date.now();
    const result = await new ProbeRunner([hanging]).run(target);
    expect(result).toMatchObject({ status: 'down', reason: expect.stringMatching(/^no answer within 200 ms/) });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(aborted).toBe(true);
  });

  it('makes a reason quoting a hostile peer storable: NUL and unpaired surrogates become U+FFFD (PostgreSQL refuses them)', async () => {
    const quoting: Probe = { type: ProbeType.tcp, check: async () => ({ status: 'down', reason: 'TXT "a\u0000b" \ud800 ok 😀' }) };
    expect((await new ProbeRunner([quoting]).run(target)).reason).toBe('TXT "a\uFFFDb" \uFFFD ok 😀');
    const throwing: Probe = { type: ProbeType.tcp, check: async () => { throw new Error('bad \u0000 banner'); } };
    expect((await new ProbeRunner([throwing]).run(target)).reason).toBe('bad \uFFFD banner');
  });

  it('turns a probe that throws before returning, or returns garbage, into down too', async () => {
    const sync: Probe = { type: ProbeType.tcp, check: () => { throw new Error('at once'); } };
    expect(await new ProbeRunner([sync]).run(target)).toMatchObject({ status: 'down', reason: 'at once' });
    const garbage = { type: ProbeType.tcp, check: () => undefined } as unknown as Probe;
    expect(await new ProbeRunner([garbage]).run(target)).toMatchObject({ status: 'down', reason: expect.stringMatching(/undefined/) });
    const late: Probe = { type: ProbeType.tcp, check: () => new Promise((resolve) => setTimeout(() => resolve({ status: 'up', reason: 'too late' }), 400)) };
    expect(await new ProbeRunner([late]).run(target)).toMatchObject({ status: 'down', reason: expect.stringMatching(/^no answer within 200 ms/) });
  });

  it('does not call an answer that arrived in time "no answer" because its own event loop was stalled past the deadline', async () => {
    const server = createServer((socket) => socket.end('ready\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // Connects; once connected the server's answer is on its way, and the loop is blocked past the deadline (a GC
    // pause, a saturated machine): when the loop runs again the answer is waiting, and the deadline has passed.
    const stalled: Probe = {
      type: ProbeType.tcp,
      check: () => new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          const until = Date.now() + 400;
          while (Date.now() < until) { /* the stall */ }
        });
        socket.once('data', () => {
          socket.destroy();
          resolve({ status: 'up', reason: 'answered' });
        });
      }),
    };
    try {
      expect(await new ProbeRunner([stalled]).run(target)).toMatchObject({ status: 'up', reason: 'answered' });
    } finally {
      server.close();
    }
  });

  it('says so when the watchdog has no probe of the type', async () => {
    expect((await new ProbeRunner([]).run(target)).reason).toBe('no tcp probe in this watchdog');
  });
});
