import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { CuttableProxy } from './support/cuttable-proxy.js';
import { eventually } from './support/eventually.js';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';

interface SightStatus {
  seeing: boolean;
  since: string | null;
  reasons: { source: string; reason: string; since: string }[];
}

/**
 * "Never silently blind": a Vigia process (API + watchdog, as `npm start` runs it) whose database goes away must say
 * so — /vigia-status (the dashboard's banner) within seconds, /healthz after its grace — and its dead man's switch
 * must fall silent, so the receiver outside Vigia alerts; all of it undone when the database is back.
 */
describe('Vigia says when it is blind', () => {
  let api: TestApi;
  let relay: CuttableProxy;
  let receiver: RecordingServer;
  let vigia: RunningProcess | undefined;
  let base: string;
  let owner: { tenant: string; email: string; password: string };

  beforeAll(async () => {
    api = await startTestApi();
    // A tenant with a monitor, so the watchdog has something to probe.
    const made = await api.tenant('blindness');
    const { token } = made;
    owner = { tenant: made.slug, email: made.email, password: made.password };
    const host = await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, token);
    await api.ok(`mutation { createMonitor(input: {name: "ssh port", type: tcp, hostId: "${host.createHost.id}", config: {port: 1}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token);
    relay = new CuttableProxy(Number(new URL(api.db.url).port));
    await relay.start();
    receiver = await new RecordingServer().start();
  }, 60_000);

  afterAll(async () => {
    if (vigia && vigia.child.exitCode === null) vigia.child.kill('SIGKILL');
    await relay?.stop();
    await receiver?.stop();
    await api?.close();
  });

  const status = async (): Promise<SightStatus> => (await fetch(`${base}/vigia-status`)).json() as Promise<SightStatus>;
  const healthz = async (): Promise<number> => (await fetch(`${base}/healthz`)).status;

  it('database gone: blind within seconds (what and since when), /healthz fails after its grace, the dead man\'s switch stops; all back when it returns', { timeout: 120_000 }, async () => {
    const url = new URL(api.db.url);
    url.port = String(relay.port);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    vigia = startProcess('apps/api/src/main.js', {
      DATABASE_URL: url.toString(), PORT: String(port), LOG_LEVEL: 'warn', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1',
      VIGIA_HEALTH_DB_GRACE_SECONDS: '6', VIGIA_DEADMAN_URL: `${receiver.url}/ping/vigia-1`, VIGIA_DEADMAN_SECONDS: '1',
    });
    await vigia.waitFor(/Vigia is running/);
    expect(await status()).toMatchObject({ seeing: true, since: null, reasons: [] });
    expect(await healthz()).toBe(200);
    await eventually('the dead man\'s switch calling', () => receiver.count('POST /ping/vigia-1') >= 2, { timeoutMs: 10_000 });
    expect(JSON.parse(receiver.hits.at(-1)!.body)).toMatchObject({ vigia: 'seeing', roles: expect.arrayContaining(['api', 'watchdog']) });

    // Signed in before the cut: what the dashboard and the CLI ask while the database is away.
    const gql = async (query: string, token?: string) =>
      (await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query }) })).json()) as { data?: Record<string, { token: string }>; errors?: { message: string; extensions: { code: string } }[] };
    const session = (await gql(`mutation { login(input: {tenant: "${owner.tenant}", email: "${owner.email}", password: "${owner.password}"}) { token } }`)).data!.login!.token;

    const cutAt = Date.now();
    await relay.cut();
    const blind = await eventually('the process to say it cannot see', async () => {
      const s = await status();
      return !s.seeing && s;
    }, { timeoutMs: 10_000, everyMs: 200 });
    const saidAfter = Date.now() - cutAt;
    expect(blind.reasons.map((r) => r.source)).toContain('database');
    // A fixed phrase: the page is public, the driver's error (hosts, users) stays in the log.
    expect(blind.reasons.find((r) => r.source === 'database')!.reason).toBe("Vigia's database does not answer");
    // Since the last time the database answered: at most one ping interval (2 s) before the cut.
    expect(Date.parse(blind.since!)).toBeLessThanOrEqual(cutAt);
    expect(cutAt - Date.parse(blind.since!)).toBeLessThan(3_000);
    console.log(`blind reported ${(saidAfter / 1000).toFixed(1)} s after the database went away`);
    expect(saidAfter).toBeLessThan(10_000);
    // A question asked meanwhile is told why in words, not "Internal error".
    const refused = await gql('{ monitors(first: 1) { totalCount } }', session);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'UNAVAILABLE' }, message: expect.stringMatching(/^Vigia's database does not answer: nothing can be read or saved until it is back/) });

    // Silent from then on: at most one call in flight when it went blind.
    const calls = receiver.count('POST /ping/vigia-1');
    await eventually('/healthz to fail after its grace', async () => (await healthz()) === 503, { timeoutMs: 15_000, everyMs: 250 });
    const body = await (await fetch(`${base}/healthz`)).json() as { status: string; database: string };
    expect(body).toMatchObject({ status: 'unhealthy', database: expect.stringMatching(/^unreachable for \d+ s$/) });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.count('POST /ping/vigia-1')).toBeLessThanOrEqual(calls + 1);

    await relay.restore();
    await eventually('seeing again', async () => (await status()).seeing, { timeoutMs: 20_000, everyMs: 250 });
    expect(await healthz()).toBe(200);
    const after = receiver.count('POST /ping/vigia-1');
    await eventually('the dead man\'s switch calling again', () => receiver.count('POST /ping/vigia-1') >= after + 2, { timeoutMs: 10_000 });
  });
});
