import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { CuttableProxy } from './support/cuttable-proxy.js';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { waitUntil } from './support/eventually.js';

const REPORT = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) {
  totals { periodMs observedMs unobservedMs accountableMs downtimeMs availability observedShare failures } } }`;

interface Totals {
  periodMs: number;
  observedMs: number;
  unobservedMs: number;
  accountableMs: number;
  downtimeMs: number;
  availability: number | null;
  observedShare: number;
  failures: number;
}

/**
 * A watchdog process whose database goes away for a while (a relay between them is cut), while the web host it
 * watches really fails: afterwards the report must say the time was unobserved, not count it as uptime.
 */
describe('time Vigia did not see is unobserved, never uptime', () => {
  let api: TestApi;
  let target: Server;
  let relay: CuttableProxy;
  let watchdog: RunningProcess | undefined;
  let token: string;
  let monitorId: string;
  let serving = true;

  beforeAll(async () => {
    target = createServer((_req, res) => {
      res.statusCode = serving ? 200 : 503;
      res.end(serving ? 'ok' : 'down');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const port = (target.address() as AddressInfo).port;
    api = await startTestApi();
    token = (await api.tenant('blind')).token;
    const host = await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, token);
    const monitor = await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "www", type: http, hostId: "${host.createHost.id}", config: {url: "http://127.0.0.1:${port}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      {}, token,
    );
    monitorId = monitor.createMonitor.id;
    const pgPort = Number(new URL(api.db.url).port);
    relay = new CuttableProxy(pgPort);
    await relay.start();
  }, 60_000);

  afterAll(async () => {
    if (watchdog && watchdog.child.exitCode === null) watchdog.child.kill('SIGKILL');
    await relay?.stop();
    target?.closeAllConnections();
    target?.close();
    await api?.close();
  });

  const report = async (from: number, to: number): Promise<Totals> => {
    const data = await api.ok<{ availabilityReport: { totals: Totals } }>(REPORT, { i: { subject: { kind: 'monitor', id: monitorId }, from: new Date(from).toISOString(), to: new Date(to).toISOString() } }, token);
    return data.availabilityReport.totals;
  };

  const health = async (): Promise<string | undefined> => {
    const rows: { health: string }[] = await api.app.get(DataSource).query('SELECT health FROM monitor_states WHERE monitor_id = $1', [monitorId]);
    return rows[0]?.health;
  };

  it('a 10 s database loss with an outage inside it shows as 10 s unobserved, and the outage is not called uptime', { timeout: 120_000 }, async () => {
    const url = new URL(api.db.url);
    url.port = String(relay.port);
    watchdog = startProcess('apps/watchdog/src/main.js', {
      DATABASE_URL: url.toString(), PORT: String(await freePort()), VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', LOG_LEVEL: 'warn',
    });
    await watchdog.waitFor(/watchdog \S+ running/);
    const started = Date.now();
    await waitUntil('the monitor up', async () => (await health()) === 'up', { timeoutMs: 20_000, everyMs: 200 });
    expect(await health()).toBe('up');
    await new Promise((r) => setTimeout(r, 3000));

    // The database goes away; during that time the web host really fails for 6 s.
    const cutAt = Date.now();
    await relay.cut();
    await new Promise((r) => setTimeout(r, 2000));
    serving = false;
    await new Promise((r) => setTimeout(r, 6000));
    serving = true;
    await new Promise((r) => setTimeout(r, 2000));
    await relay.restore();
    const restoredAt = Date.now();
    // The watchdog reconnects on its own and says so with a new heartbeat.
    const spans = async () => (await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM observation_spans WHERE started_at > $1', [new Date(cutAt)]))[0].n as number;
    await waitUntil('a new observation span', async () => (await spans()) > 0, { timeoutMs: 20_000, everyMs: 200 });
    expect(await spans(), `watchdog output:\n${watchdog.output()}`).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2000));

    const t = await report(started, Date.now());
    const blind = restoredAt - cutAt;
    // Unobserved: from the last heartbeat before the cut (≤ 1 s before it) to the first after the restore (≤ ~2 s after).
    expect(t.unobservedMs).toBeGreaterThan(blind - 1500);
    expect(t.unobservedMs).toBeLessThan(blind + 5000);
    expect(t.accountableMs).toBe(t.periodMs - t.unobservedMs);
    expect(t.observedShare).toBeLessThan(1);
    // The outage fell entirely inside the blind time: not downtime, not a failure — and not counted as uptime either.
    expect(t.failures).toBe(0);
    expect(t.accountableMs).toBeLessThan(t.periodMs - 9000);
  });
});
