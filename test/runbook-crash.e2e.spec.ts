import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { CuttableProxy } from './support/cuttable-proxy.js';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { RecordingServer } from './support/recording-server.js';

/**
 * Exactly once across processes: a watchdog running a run is killed with SIGKILL in the middle of a step; another
 * watchdog process resumes the run once the lease has run out. Counted at the receiving end: a completed step is
 * not repeated, an interrupted safe step is, an interrupted unsafe step is handed to an operator.
 */
describe('runbook runs survive a watchdog killed mid-step', () => {
  let api: TestApi;
  let token: string;
  // The first call of a "slow" step is held open: the watchdog is killed while it waits.
  const server: RecordingServer = new RecordingServer((hit) => (hit.path.startsWith('/slow') && server.count(`${hit.method} ${hit.path}`) === 1 ? 'hold' : undefined));
  let base = '';
  const watchdogs: RunningProcess[] = [];
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const count = (path: string) => server.count(path);
  const watchdog = async (databaseUrl = api.db.url) => {
    const w = startProcess('apps/watchdog/src/main.js', { DATABASE_URL: databaseUrl, PORT: String(await freePort()), VIGIA_RUN_LEASE_SECONDS: '2', LOG_LEVEL: 'warn', VIGIA_MASTER_KEY: Buffer.alloc(32, 3).toString('base64') });
    await w.waitFor(/watchdog \S+ running/);
    watchdogs.push(w);
    return w;
  };
  const waitFor = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => eventually(what, check, { timeoutMs, everyMs: 50 });
  const run = (id: string) => gql<{ run: { status: string; statusReason: string | null; claims: number; owner: string | null; steps: { name: string; status: string; attempt: number }[] } }>(
    `{ run(id: "${id}") { status statusReason claims owner steps { name status attempt } } }`,
  ).then((d) => d.run);

  beforeAll(async () => {
    base = (await server.start()).url;
    api = await startTestApi();
    token = (await api.tenant('crash')).token;
  }, 60_000);
  afterAll(async () => {
    for (const w of watchdogs) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await server.stop();
    await api?.close();
  });

  const scenario = async (method: 'GET' | 'POST', tag: string) => {
    const book = (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: `name: crash-${tag}\nsteps:\n  - { name: first, type: http.request, with: { method: POST, url: "${base}/first-${tag}" } }\n  - { name: slow, type: http.request, with: { method: ${method}, url: "${base}/slow-${tag}", timeout: 60s } }\n  - { name: last, type: http.request, with: { method: POST, url: "${base}/last-${tag}" } }\n` },
    })).createRunbook.id;
    const a = await watchdog();
    const id = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}"}) { id } }`)).startRun.id;
    await waitFor('the slow step to be under way', () => count(`${method} /slow-${tag}`) === 1);
    const ownerA = (await run(id)).owner;
    a.child.kill('SIGKILL');
    await a.exited();
    const b = await watchdog();
    return { id, ownerA, b };
  };

  it('repeats an interrupted safe step (GET) on another watchdog, and nothing else', { timeout: 90_000 }, async () => {
    const { id, ownerA, b } = await scenario('GET', 'safe');
    await waitFor('the run to finish', async () => (await run(id)).status === 'succeeded');
    const done = await run(id);
    expect(done.claims).toBe(2);
    expect(done.steps.map((s) => `${s.name}:${s.status}:${s.attempt}`)).toEqual(['first:succeeded:1', 'slow:succeeded:2', 'last:succeeded:1']);
    expect([count('POST /first-safe'), count('GET /slow-safe'), count('POST /last-safe')]).toEqual([1, 2, 1]);
    expect(ownerA).not.toBeNull();
    b.child.kill('SIGTERM');
    await b.exited();
  });

  it('hands an interrupted unsafe step (POST) to an operator instead of sending it twice', { timeout: 90_000 }, async () => {
    const { id, b } = await scenario('POST', 'unsafe');
    await waitFor('the run to wait for an operator', async () => (await run(id)).status === 'needs_operator');
    const stuck = await run(id);
    expect(stuck.statusReason).toMatch(/slow was interrupted and is not safe to repeat/);
    expect(stuck.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['first:succeeded', 'slow:unknown']);
    await new Promise((r) => setTimeout(r, 1000));
    expect([count('POST /first-unsafe'), count('POST /slow-unsafe'), count('POST /last-unsafe')]).toEqual([1, 1, 0]);
    b.child.kill('SIGTERM');
    await b.exited();
  });
  it('frozen (SIGSTOP) past its lease while another watchdog takes the run over, then resumed (SIGCONT): it does nothing more; no step twice but the interrupted safe one', { timeout: 90_000 }, async () => {
    const book = (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: `name: crash-stop\nsteps:\n  - { name: first, type: http.request, with: { method: POST, url: "${base}/first-stop" } }\n  - { name: slow, type: http.request, with: { method: GET, url: "${base}/slow-stop", timeout: 60s } }\n  - { name: last, type: http.request, with: { method: POST, url: "${base}/last-stop" } }\n` },
    })).createRunbook.id;
    const a = await watchdog();
    const id = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}"}) { id } }`)).startRun.id;
    await waitFor('the slow step to be under way', () => count('GET /slow-stop') === 1);
    const ownerA = (await run(id)).owner;
    a.child.kill('SIGSTOP');
    try {
      // B takes the run over once A's 2 s lease has run out (with a new fencing token) and finishes it.
      const b = await watchdog();
      await waitFor('the run to finish on B', async () => (await run(id)).status === 'succeeded');
      const done = await run(id);
      expect(done.owner).not.toBe(ownerA);
      expect(done.claims).toBe(2);
      // A held the first slow request open: answer it now, as a slow target finally would, while A is still frozen.
      server.release();
      a.child.kill('SIGCONT');
      await a.waitFor(/standing down before another watchdog may take it over/, 15_000);
      await new Promise((r) => setTimeout(r, 3000));
      const after = await run(id);
      expect(after.status).toBe('succeeded');
      expect(after.steps.map((s) => `${s.name}:${s.status}:${s.attempt}`)).toEqual(['first:succeeded:1', 'slow:succeeded:2', 'last:succeeded:1']);
      expect([count('POST /first-stop'), count('GET /slow-stop'), count('POST /last-stop')]).toEqual([1, 2, 1]);
      for (const w of [a, b]) w.child.kill('SIGTERM');
      await Promise.all([a.exited(), b.exited()]);
    } finally {
      a.child.kill('SIGCONT');
    }
  });

  it('stands down when its database is gone past the lease: the step under way is aborted before another watchdog may take the run, which finishes it; nothing is done twice', { timeout: 90_000 }, async () => {
    const relay = new CuttableProxy(Number(new URL(api.db.url).port));
    await relay.start();
    try {
      const book = (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
        i: { source: `name: crash-cut\nsteps:\n  - { name: first, type: http.request, with: { method: POST, url: "${base}/first-cut" } }\n  - { name: slow, type: http.request, with: { method: GET, url: "${base}/slow-cut", timeout: 60s } }\n  - { name: last, type: http.request, with: { method: POST, url: "${base}/last-cut" } }\n` },
      })).createRunbook.id;
      const url = new URL(api.db.url);
      url.port = String(relay.port);
      const a = await watchdog(url.toString());
      const id = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}"}) { id } }`)).startRun.id;
      await waitFor('the slow step to be under way', () => count('GET /slow-cut') === 1);
      const cutAt = Date.now();
      await relay.cut();
      // A cannot renew its 2 s lease: it aborts the request it holds open before the lease can run out.
      const held = server.hits.find((h) => h.path === '/slow-cut')!;
      await waitFor('watchdog A to give up the step', () => held.closedAt !== undefined, 10_000);
      const stoodDownAfter = held.closedAt! - cutAt;
      console.log(`stood down ${(stoodDownAfter / 1000).toFixed(2)} s after its database went away (lease 2 s)`);
      expect(stoodDownAfter).toBeLessThan(2_000);
      await a.waitFor(/standing down before another watchdog may take it over/);
      // B takes the run over once the lease has expired and finishes it: the safe step again, the last one once.
      const b = await watchdog();
      await waitFor('the run to finish', async () => (await run(id)).status === 'succeeded');
      // A's database comes back: it must not act on the run it gave up.
      await relay.restore();
      await new Promise((r) => setTimeout(r, 3000));
      const done = await run(id);
      expect(done.steps.map((s) => `${s.name}:${s.status}:${s.attempt}`)).toEqual(['first:succeeded:1', 'slow:succeeded:2', 'last:succeeded:1']);
      expect([count('POST /first-cut'), count('GET /slow-cut'), count('POST /last-cut')]).toEqual([1, 2, 1]);
      for (const w of [a, b]) w.child.kill('SIGTERM');
      await Promise.all([a.exited(), b.exited()]);
    } finally {
      await relay.stop();
    }
  });
});
