import pg from 'pg';
import { testSshKey } from './support/ssh-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

interface Status {
  seeing: boolean;
  since: string | null;
  reasons: { source: string; reason: string; since: string }[];
}

/**
 * The banner in a split deployment: the API (`VIGIA_ROLES=api`) and a watchdog in separate processes. The watchdog's
 * only probe gets stuck preparing — its SSH credential is read from a table the test holds locked, while heartbeats
 * go on — so its probes stop completing; the watchdog says so in its heartbeat row and the API's `/vigia-status`
 * (the dashboard's banner) shows it, while the API's own `/healthz` stays 200 (the API is fine) and the watchdog's fails.
 */
describe('a separate watchdog whose probes stalled reaches the API banner', () => {
  let api: TestApi;
  let watchdog: RunningProcess;
  let watchdogPort: number;
  let owner: string;
  let monitor: string;

  const status = async (base: string): Promise<Status> => (await fetch(`${base}/vigia-status`)).json() as Promise<Status>;
  const health = async (base: string): Promise<number> => (await fetch(`${base}/healthz`)).status;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_MASTER_KEY: MASTER_KEY });
    owner = (await api.tenant('split')).token;
    const key = testSshKey();
    const credential = (await api.ok<{ createSshCredential: { id: string } }>('mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id } }', { i: { name: 'ops', privateKey: key } }, owner)).createSshCredential.id;
    const host = (await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "box", addresses: ["127.0.0.1"], sshCredentialId: "${credential}", sshHostKey: "SHA256:${'A'.repeat(43)}"}) { id } }`, {}, owner)).createHost.id;
    monitor = (await api.ok<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "box ssh", type: ssh, hostId: "${host}", config: {port: ${await freePort()}, command: "true"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner)).createMonitor.id;
    watchdogPort = await freePort();
    watchdog = startProcess('apps/watchdog/src/main.js', { DATABASE_URL: api.db.url, PORT: String(watchdogPort), LOG_LEVEL: 'info', VIGIA_MASTER_KEY: MASTER_KEY, VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1' });
    await watchdog.waitFor(/watchdog \S+ running/);
  }, 60_000);

  afterAll(async () => {
    if (watchdog && watchdog.child.exitCode === null) watchdog.child.kill('SIGKILL');
    await api?.close();
  });

  it('probes stalled in the watchdog process: the API banner says so within seconds; it clears when probes complete again', { timeout: 120_000 }, async () => {
    await eventually('the watchdog probing (a state for the monitor)', async () =>
      ((await api.ok<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${monitor}") { state { health } } }`, {}, owner)).monitor.state ? true : undefined), { timeoutMs: 20_000 });
    await eventually('the API seeing (the watchdog reporting)', async () => ((await status(api.url)).seeing ? true : undefined), { timeoutMs: 15_000, everyMs: 500 });
    // Lock the credentials, then change the monitor: the watchdog forgets its unsealed key and its next probe waits on the lock.
    const db = new pg.Client({ connectionString: api.db.url });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('LOCK TABLE ssh_credentials IN ACCESS EXCLUSIVE MODE');
      const lockedAt = Date.now();
      await api.ok(`mutation { updateMonitor(id: "${monitor}", input: {name: "box ssh (stuck)"}) { id } }`, {}, owner);
      const blind = await eventually('the API banner naming the stalled watchdog', async () => {
        const s = await status(api.url);
        return s.reasons.find((r) => r.source === 'watchdog-probes');
      }, { timeoutMs: 60_000, everyMs: 500 });
      console.log(`API banner shows the stall ${Date.now() - lockedAt} ms after the probe got stuck (the watchdog's bound: 30 s)`);
      expect(blind.reason).toBe("1 of 1 watchdogs' probes have stopped completing");
      // Since the last completed probe, i.e. about when the lock was taken (not when the API noticed).
      expect(Math.abs(new Date(blind.since).getTime() - lockedAt)).toBeLessThan(3_000);
      expect(await health(`http://127.0.0.1:${watchdogPort}`)).toBe(503);
      expect(await health(api.url)).toBe(200);
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
    await eventually('the banner gone once probes complete again', async () => ((await status(api.url)).seeing ? true : undefined), { timeoutMs: 20_000, everyMs: 500 });
    expect(await health(`http://127.0.0.1:${watchdogPort}`)).toBe(200);
  });
});
