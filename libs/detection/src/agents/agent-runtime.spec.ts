import { describe, expect, it, vi } from 'vitest';
import type { ProbeResult, ProbeRunner, ProbeTarget } from '#lib/probes';
import { AgentRuntime } from './agent-runtime.js';

/** The agent's buffer while it cannot reach the API: bounded, oldest dropped first and counted, every result marked replayed. */
describe('agent runtime: the offline buffer', () => {
  it('keeps the newest results up to its bound, drops the oldest and counts them', async () => {
    let n = 0;
    const runner = { run: async (): Promise<ProbeResult> => ({ status: 'down', latencyMs: 1, reason: `probe ${++n}`, at: 1_000_000 + n }) } as unknown as ProbeRunner;
    const agent = new AgentRuntime(
      { agentUrl: 'ws://127.0.0.1:9/agent', token: 'vgv_x', egress: { allow: [], deny: [] }, bufferLimit: 100, concurrency: 4, probeBatchMs: 0, logLevel: 'silent' },
      runner,
      () => undefined,
      () => undefined,
    );
    const probe = (agent as unknown as { probe(m: { id: string; intervalMs: number; target: ProbeTarget }): Promise<number | undefined> }).probe.bind(agent);
    const monitor = { id: 'm1', intervalMs: 1000, target: { type: 'http', config: {}, address: '192.0.2.1', timeoutMs: 500 } as unknown as ProbeTarget };
    const reprobes: (number | undefined)[] = [];
    for (let i = 0; i < 250; i++) reprobes.push(await probe(monitor));
    const queue = (agent as unknown as { queue: { reason: string; replayed: boolean; at: number }[] }).queue;
    expect(agent.buffered).toBe(100);
    expect(agent.stats.dropped).toBe(150);
    expect(queue[0]!.reason).toBe('probe 151');
    expect(queue.at(-1)!.reason).toBe('probe 250');
    expect(queue.every((r) => r.replayed)).toBe(true);
    // Original timestamps, in order.
    expect(queue.map((r) => r.at)).toEqual([...queue.map((r) => r.at)].sort((a, b) => a - b));
    // Its local detector asks for fast re-probes while a failure is being confirmed, as a watchdog's does.
    expect(reprobes[0]).toBe(300);
  });
});

/** Replaying a large buffer must not trip the API's limit of messages waiting per agent (it closes the socket). */
describe('agent runtime: batches in flight', () => {
  it('keeps at most two result batches unacknowledged, and sends the next as each is acknowledged', async () => {
    const { WebSocketServer } = await import('ws');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const batches: { batch: number; results: unknown[] }[] = [];
    let socket: import('ws').WebSocket | undefined;
    server.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; batch: number; results: unknown[] };
        if (message.type === 'results') batches.push(message);
      });
    });
    let n = 0;
    const runner = { run: async (): Promise<ProbeResult> => ({ status: 'up', latencyMs: 1, reason: 'ok', at: Date.now() + ++n }) } as unknown as ProbeRunner;
    const { port } = server.address() as { port: number };
    const agent = new AgentRuntime(
      { agentUrl: `ws://127.0.0.1:${port}/agent`, token: 'vgv_x', egress: { allow: [], deny: [] }, bufferLimit: 100_000, concurrency: 4, probeBatchMs: 0, logLevel: 'silent' },
      runner,
      () => undefined,
      () => undefined,
    );
    try {
      const probe = (agent as unknown as { probe(m: { id: string; intervalMs: number; target: ProbeTarget }): Promise<number | undefined> }).probe.bind(agent);
      const monitor = { id: 'm1', intervalMs: 1000, target: { type: 'http', config: {}, address: '192.0.2.1', timeoutMs: 500 } as unknown as ProbeTarget };
      // 5,000 results waiting (ten batches' worth), as after a few seconds offline at a large fleet.
      for (let i = 0; i < 5000; i++) await probe(monitor);
      agent.start();
      const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 700));
      await settle();
      expect(batches.map((b) => b.results.length)).toEqual([500, 500]);
      socket!.send(JSON.stringify({ type: 'ack', batch: batches[0]!.batch, stored: 500, refused: 0 }));
      await settle();
      expect(batches).toHaveLength(3);
      expect(agent.stats.acked).toBe(500);
    } finally {
      await agent.stop();
      server.close();
    }
  });
});

/** The quorum's verdict waits for the agent's confirming failures: they go at once, not at the next 200 ms flush. */
describe('agent runtime: results that move a verdict', () => {
  it('sends a failure being confirmed within 10 ms, and steady results only at the 200 ms flush', async () => {
    const { WebSocketServer } = await import('ws');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const received: { type: string; results?: { status: string }[] }[] = [];
    let arrived: () => void = () => undefined;
    const connected = new Promise<void>((resolve) => {
      server.on('connection', (ws) => {
        ws.on('message', (data) => {
          received.push(JSON.parse(String(data)) as { type: string; results?: { status: string }[] });
          resolve();
          arrived();
        });
      });
    });
    const next = (): Promise<void> => new Promise((resolve) => (arrived = resolve));
    let status: 'up' | 'down' = 'up';
    const runner = { run: async (): Promise<ProbeResult> => ({ status, latencyMs: 1, reason: status, at: Date.now() }) } as unknown as ProbeRunner;
    const { port } = server.address() as { port: number };
    const realTimeout = globalThis.setTimeout;
    // Only the agent's own timers are faked (its 200 ms flush, the 10 ms one); the socket's I/O is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const agent = new AgentRuntime(
      { agentUrl: `ws://127.0.0.1:${port}/agent`, token: 'vgv_x', egress: { allow: [], deny: [] }, bufferLimit: 1000, concurrency: 4, probeBatchMs: 0, logLevel: 'silent' },
      runner,
      () => undefined,
      () => undefined,
    );
    try {
      const probe = (agent as unknown as { probe(m: { id: string; intervalMs: number; target: ProbeTarget }): Promise<number | undefined> }).probe.bind(agent);
      const monitor = { id: 'm1', intervalMs: 1000, target: { type: 'http', config: {}, address: '192.0.2.1', timeoutMs: 500 } as unknown as ProbeTarget };
      agent.start();
      await connected; // its first heartbeat
      await probe(monitor);
      await probe(monitor);
      vi.advanceTimersByTime(150);
      const results = (): { status: string }[] => received.flatMap((m) => m.results ?? []);
      expect(results()).toEqual([]); // steady: waits for the flush
      status = 'down';
      const sent = next();
      await probe(monitor);
      vi.advanceTimersByTime(10); // still 40 ms before the 200 ms flush
      await Promise.race([sent, new Promise((resolve) => realTimeout(resolve, 2_000))]);
      expect(results().map((r) => r.status)).toEqual(['up', 'up', 'down']);
    } finally {
      vi.useRealTimers();
      await agent.stop();
      server.close();
    }
  });
});
