import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

const MONITORS = 6;

/**
 * No incident doubled by a frozen watchdog. Two watchdog processes share six monitors (rendezvous hashing); one is
 * SIGSTOPped, the other takes its monitors over; the target then stops, so every monitor's outage is opened by the
 * live one. The frozen one is resumed (SIGCONT) with its old view — its monitors "up", its probes now failing — until
 * its next refresh: still exactly one incident per monitor, none resolved and opened again.
 */
describe('a watchdog frozen past its heartbeat and resumed doubles no incident', () => {
  let api: TestApi;
  let owner: string;
  const target = new RecordingServer();
  const watchdogs: RunningProcess[] = [];
  const watchdog = async (vantage: string): Promise<RunningProcess> => {
    const w = startProcess('apps/watchdog/src/main.js', { DATABASE_URL: api.db.url, PORT: String(await freePort()), LOG_LEVEL: 'warn', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_VANTAGE: vantage });
    watchdogs.push(w);
    await w.waitFor(/watchdog \S+ running/);
    return w;
  };
  const incidents = async (): Promise<{ status: string; monitorId: string }[]> =>
    (await api.ok<{ incidents: { nodes: { status: string; monitorId: string }[] } }>('{ incidents { nodes { status monitorId } } }', {}, owner)).incidents.nodes;

  beforeAll(async () => {
    await target.start();
    api = await startTestApi({ VIGIA_ROLES: 'api', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1' });
    owner = (await api.tenant('freeze')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    for (let i = 0; i < MONITORS; i++) {
      await api.ok(`mutation { createMonitor(input: {name: "www ${i}", type: http, hostId: "${host}", config: {url: "${target.url}/${i}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner);
    }
  }, 60_000);

  afterAll(async () => {
    for (const w of watchdogs) {
      w.child.kill('SIGCONT');
      if (w.child.exitCode === null) w.child.kill('SIGKILL');
    }
    await api?.close();
    await target.stop();
  });

  it('one incident per monitor, opened by the live watchdog, kept after the frozen one resumes', { timeout: 90_000 }, async () => {
    const a = await watchdog('central-a');
    await watchdog('central-b');
    // Both own some of the monitors (each votes under its own name here, so the states say who probed what).
    await eventually('every monitor up, both watchdogs owning some', async () => {
      const states = (await api.ok<{ monitors: { nodes: { state: { health: string; vantages: { vantage: string }[] } | null }[] } }>('{ monitors { nodes { state { health vantages { vantage } } } } }', {}, owner)).monitors.nodes;
      const owners = new Set(states.flatMap((m) => m.state?.vantages.map((v) => v.vantage) ?? []));
      return states.every((m) => m.state?.health === 'up') && owners.has('central-a') && owners.has('central-b') ? true : undefined;
    }, { timeoutMs: 20_000 });
    a.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 5000));
    await target.stop();
    const open = await eventually('every monitor down, opened by the live watchdog', async () => {
      const found = await incidents();
      return found.length === MONITORS && found.every((i) => i.status === 'open') ? found : undefined;
    }, { timeoutMs: 30_000 });
    expect(new Set(open.map((i) => i.monitorId)).size).toBe(MONITORS);
    a.child.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, 8000));
    const after = await incidents();
    expect(after).toHaveLength(MONITORS);
    expect(after.every((i) => i.status === 'open')).toBe(true);
  });
});
