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

/** A target the agent's own egress policy refuses is not probed: no probe, no failure in its rates; said once in its log. */
describe('agent runtime: targets its egress policy refuses', () => {
  it('counts them neither as probes nor as failures, and says so once per monitor', async () => {
    const refusal = 'refused by this agent\'s egress policy: 10.0.0.5 is a private address (VIGIA_EGRESS_ALLOW)';
    const runner = { run: async (): Promise<ProbeResult> => ({ status: 'down', latencyMs: 0, reason: refusal, at: Date.now(), refused: true }) } as unknown as ProbeRunner;
    const logs: string[] = [];
    const agent = new AgentRuntime(
      { agentUrl: 'ws://127.0.0.1:9/agent', token: 'vgv_x', egress: { allow: [], deny: [] }, bufferLimit: 100, concurrency: 4, probeBatchMs: 0, logLevel: 'silent' },
      runner,
      (level, message) => logs.push(`${level}: ${message}`),
      () => undefined,
    );
    const probe = (agent as unknown as { probe(m: { id: string; intervalMs: number; target: ProbeTarget }): Promise<number | undefined> }).probe.bind(agent);
    const monitor = { id: 'm1', intervalMs: 1000, target: { type: 'http', config: {}, address: '10.0.0.5', timeoutMs: 500 } as unknown as ProbeTarget };
    for (let i = 0; i < 5; i++) await probe(monitor);
    const rate = (agent as unknown as { probeRate: { read(now: number, notStarted: number): { probesPerSecond: number; failingShare: number | null } } }).probeRate.read(performance.now(), 0);
    // It read "100 % of its probes failing" on the Vantages page: its network looked broken.
    expect(rate).toMatchObject({ probesPerSecond: 0, failingShare: null });
    expect(logs.filter((l) => l.includes('not probed, no vote from this vantage'))).toEqual([`warn: monitor m1: not probed, no vote from this vantage — ${refusal}`]);
    // Still sent, marked refused: the monitor says why this vantage gives no vote.
    expect(agent.buffered).toBe(5);
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

interface Sent {
  type: string;
  batch?: number;
  results?: { monitorId: string; status: string }[];
}

/**
 * An agent connected to a stand-in API that records what it sends and acknowledges every batch at once. Only the
 * agent's own timers and monotonic clock are faked (its 200 ms flush, the urgent send and its spacing: the test moves
 * them); the socket's I/O is real, waited for on real time by `until`.
 */
async function ackingApi(status: () => 'up' | 'down') {
  const { WebSocketServer } = await import('ws');
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const received: Sent[] = [];
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Sent;
      received.push(message);
      if (message.type === 'results') ws.send(JSON.stringify({ type: 'ack', batch: message.batch, stored: message.results!.length, refused: 0 }));
    });
  });
  const runner = { run: async (): Promise<ProbeResult> => ({ status: status(), latencyMs: 1, reason: status(), at: Date.now() }) } as unknown as ProbeRunner;
  const { port } = server.address() as { port: number };
  const realTimeout = globalThis.setTimeout;
  const pause = (ms: number): Promise<void> => new Promise((resolve) => realTimeout(resolve, ms));
  const until = async (what: () => boolean): Promise<boolean> => {
    for (let i = 0; i < 100 && !what(); i++) await pause(20);
    return what();
  };
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
  const agent = new AgentRuntime(
    { agentUrl: `ws://127.0.0.1:${port}/agent`, token: 'vgv_x', egress: { allow: [], deny: [] }, bufferLimit: 1000, concurrency: 4, probeBatchMs: 0, logLevel: 'silent' },
    runner,
    () => undefined,
    () => undefined,
  );
  const probeOf = (agent as unknown as { probe(m: { id: string; intervalMs: number; target: ProbeTarget }): Promise<number | undefined> }).probe.bind(agent);
  const probe = (id = 'm1'): Promise<number | undefined> => probeOf({ id, intervalMs: 1000, target: { type: 'http', config: {}, address: '192.0.2.1', timeoutMs: 500 } as unknown as ProbeTarget });
  agent.start();
  const connected = await until(() => received.length > 0); // its first heartbeat
  const close = async (): Promise<void> => {
    vi.useRealTimers();
    await agent.stop();
    server.close();
  };
  return { agent, received, probe, until, pause, connected, close };
}

/** The quorum's verdict waits for the agent's confirming failures: they go at once, not at the next 200 ms flush. */
describe('agent runtime: results that move a verdict', () => {
  it('sends a failure being confirmed within 10 ms, with the steady results waiting before it, in one batch', async () => {
    let status: 'up' | 'down' = 'up';
    const api = await ackingApi(() => status);
    try {
      expect(api.connected).toBe(true);
      // Up, up: steady from the second on; everything sent and acknowledged before the outage.
      await api.probe();
      await api.probe();
      vi.advanceTimersByTime(250);
      expect(await api.until(() => api.agent.stats.acked === 2)).toBe(true);
      const before = api.received.length;
      // A steady result waits; the first failure (being confirmed) goes 10 ms later, taking it along.
      await api.probe();
      vi.advanceTimersByTime(10);
      status = 'down';
      await api.probe();
      vi.advanceTimersByTime(60); // 320 ms in all: still before the next 200 ms flush (at 400)
      expect(await api.until(() => api.received.slice(before).some((m) => m.type === 'results'))).toBe(true);
      await api.pause(50);
      const batches = api.received.slice(before).filter((m) => m.type === 'results');
      // The vote first, the steady result after it (the watchdog judges each vantage's results newest-first-wins).
      expect(batches.map((b) => b.results!.map((r) => r.status))).toEqual([['down', 'up']]);
    } finally {
      await api.close();
    }
  });

  it('sends a vote ahead of a backlog of steady results (a saturated agent\'s queue does not hold up the verdict)', async () => {
    let status: 'up' | 'down' = 'up';
    const api = await ackingApi(() => status);
    try {
      expect(api.connected).toBe(true);
      // 900 monitors up (a first result is a change, sent at once), then 900 steady results waiting (no flush yet):
      // nearly two batches of 500, within the buffer's bound (1,000).
      // Everything sent so far acknowledged: the agent's timers moved on while the real socket's I/O goes through.
      const drained = async (n: number): Promise<number> => {
        for (let i = 0; i < 50 && api.agent.stats.acked < n; i++) {
          vi.advanceTimersByTime(100);
          await api.pause(20);
        }
        return api.agent.stats.acked;
      };
      for (let i = 0; i < 900; i++) await api.probe(`steady-${i}`);
      expect(await drained(900)).toBe(900);
      const before = api.received.length;
      for (let i = 0; i < 900; i++) await api.probe(`steady-${i}`);
      status = 'down';
      await api.probe('dying');
      vi.advanceTimersByTime(60); // its urgent send (10 ms, at least 50 ms after the last); the 200 ms flush not yet
      expect(await api.until(() => api.received.slice(before).some((m) => m.type === 'results'))).toBe(true);
      const first = api.received.slice(before).find((m) => m.type === 'results')!;
      // The failure being confirmed leads the first batch, not the second.
      expect(first.results![0]).toMatchObject({ monitorId: 'dying', status: 'down' });
      expect(first.results).toHaveLength(500);
      expect(await drained(1801)).toBe(1801);
    } finally {
      await api.close();
    }
  });

  it('a vote not yet sent when the connection drops stays a live vote, sent first on reconnecting (the gateway judges its age)', async () => {
    const api = await ackingApi(() => 'down');
    try {
      expect(api.connected).toBe(true);
      const inner = api.agent as unknown as { votes: { monitorId: string; replayed: boolean }[]; queue: { monitorId: string; replayed: boolean }[]; connected: boolean; ws: { terminate(): void } };
      await api.probe('dying');
      expect(inner.votes).toMatchObject([{ monitorId: 'dying', replayed: false }]);
      // The link drops before the urgent send (its 10 ms timer has not run).
      inner.ws.terminate();
      expect(await api.until(() => !inner.connected)).toBe(true);
      expect(inner.votes).toMatchObject([{ monitorId: 'dying', replayed: false }]);
      expect(inner.queue.filter((r) => r.monitorId === 'dying')).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('counts votes against the buffer\'s bound: the oldest queued results go first, then the oldest votes', async () => {
    const api = await ackingApi(() => 'down');
    try {
      const inner = api.agent as unknown as { votes: unknown[]; queue: unknown[]; trim(): void };
      // As a mass failure while the API acknowledges slowly: 700 queued, then 600 votes (the bound is 1,000).
      const result = (i: number) => ({ monitorId: `m${i}`, at: i, status: 'down', latencyMs: 1, reason: 'x', replayed: false });
      inner.queue.push(...Array.from({ length: 700 }, (_, i) => result(i)));
      inner.votes.push(...Array.from({ length: 600 }, (_, i) => result(1000 + i)));
      inner.trim();
      expect([inner.queue.length, inner.votes.length]).toEqual([400, 600]);
      expect(api.agent.stats.dropped).toBe(300);
      inner.votes.push(...Array.from({ length: 700 }, (_, i) => result(2000 + i)));
      inner.trim();
      expect([inner.queue.length, inner.votes.length]).toEqual([0, 1000]);
      expect((inner.votes[0] as { at: number }).at).toBe(1300);
      expect(api.agent.stats.dropped).toBe(1000);
      expect(api.agent.buffered).toBe(1000);
    } finally {
      await api.close();
    }
  });

  it('spaces urgent sends (50 ms, one batch in flight): an agent whose every target fails does not send one batch per result', async () => {
    const api = await ackingApi(() => 'down');
    try {
      expect(api.connected).toBe(true);
      // Twenty monitors failing, one after another 10 ms apart (each result a failure being confirmed), acknowledged at once.
      for (let i = 0; i < 20; i++) {
        await api.probe(`m${i}`);
        vi.advanceTimersByTime(10);
        await api.pause(10); // room for a batch to go and its acknowledgement to come
      }
      expect(await api.until(() => api.agent.stats.acked === 20)).toBe(true);
      const batches = api.received.filter((m) => m.type === 'results');
      // The first failure went at once (alone); then one batch per 50 ms at most, not one per result (the 200 ms flush may add one).
      expect(batches[0]!.results).toHaveLength(1);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(batches.length).toBeLessThanOrEqual(6);
    } finally {
      await api.close();
    }
  });
});
