import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

interface IncidentView {
  status: string;
  openReason: string;
  timeline: { message: string }[];
}

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * Vantages watch each other: a second central watchdog (a real process, vantage `central-b`) is frozen with SIGSTOP,
 * later killed with SIGKILL; the first (in the API process, `central-a`) sees it stop reporting and opens one vantage
 * incident in the platform tenant, paged through a webhook — the channels that still work — once it has been silent
 * past the silence bound (a shorter stall pages nobody). SIGCONT resolves it; a
 * replacement process of the same vantage resolves the one opened for the killed process.
 */
describe('a central watchdog that stops reporting is a vantage incident', () => {
  let api: TestApi;
  let platform: string;
  const hook = new RecordingServer();
  const processes: RunningProcess[] = [];

  const watchdogB = async (): Promise<RunningProcess> => {
    const w = startProcess('apps/watchdog/src/main.js', {
      DATABASE_URL: api.db.url, PORT: String(await freePort()), LOG_LEVEL: 'info', VIGIA_MASTER_KEY: MASTER_KEY,
      VIGIA_VANTAGE: 'central-b', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform', VIGIA_ALERT_GROUP_SECONDS: '0',
    });
    processes.push(w);
    await w.waitFor(/watchdog \S+ running/);
    return w;
  };
  const incidents = async (): Promise<IncidentView[]> =>
    (await api.ok<{ incidents: { nodes: IncidentView[] } }>('{ incidents { nodes { status openReason timeline { message } } } }', {}, platform)).incidents.nodes;
  const vantageB = async (): Promise<{ impairedReason: string | null } | undefined> =>
    (await api.ok<{ vantages: { name: string; impairedReason: string | null }[] }>('{ vantages { name impairedReason } }', {}, platform)).vantages.find((v) => v.name === 'central-b');
  const pages = (event: string): number => hook.hits.filter((h) => h.body.includes(`"event":"${event}"`) && h.body.includes('vantage central-b')).length;

  beforeAll(async () => {
    await hook.start();
    api = await startTestApi({
      VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central-a', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform',
      VIGIA_ALERT_GROUP_SECONDS: '0', VIGIA_MASTER_KEY: MASTER_KEY,
    });
    platform = (await api.tenant('platform')).token;
    await api.ok('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'ops hook', type: 'webhook', config: { url: `${hook.url}/ops` }, secret: 'hook-secret-0123456789' } }, platform);
  }, 60_000);

  afterAll(async () => {
    for (const p of processes) {
      if (p.child.exitCode === null) {
        p.child.kill('SIGCONT');
        p.child.kill('SIGKILL');
      }
    }
    await api?.close();
    await hook.stop();
  });

  it('frozen (SIGSTOP): one vantage incident, paged; it reports again after SIGCONT: resolved', { timeout: 90_000 }, async () => {
    const b = await watchdogB();
    await eventually('central-b registered and healthy', async () => ((await vantageB())?.impairedReason === null ? true : undefined));
    // A stall past the ownership bound (three 1 s beats) but inside the silence bound (6 s): its monitors may move,
    // but nobody is paged and nothing is called impaired — a busy machine's hiccup is not an incident.
    b.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 3500));
    b.child.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, 5000));
    expect(await incidents()).toHaveLength(0);
    expect(pages('trigger')).toBe(0);
    expect((await vantageB())!.impairedReason).toBeNull();
    const stoppedAt = Date.now();
    b.child.kill('SIGSTOP');
    const [incident] = await eventually('a vantage incident for central-b', async () => {
      const open = (await incidents()).filter((i) => i.status === 'open');
      return open.length ? open : undefined;
    }, { timeoutMs: 20_000 });
    console.log(`vantage incident opened ${Date.now() - stoppedAt} ms after SIGSTOP (silence bound 6 s; heartbeat 1 s)`);
    expect(incident!.timeline[0]!.message).toMatch(/^vantage central-b down: impaired: 1 watchdog process stopped reporting without stopping: no heartbeat since \d{4}-.*Z .* the live watchdogs took its monitors over/);
    expect((await vantageB())!.impairedReason).toMatch(/^1 watchdog process stopped reporting/);
    await eventually('the page on the webhook', () => (pages('trigger') === 1 ? true : undefined));
    b.child.kill('SIGCONT');
    await eventually('resolved once it reports again', async () => ((await incidents()).every((i) => i.status === 'resolved') ? true : undefined), { timeoutMs: 20_000 });
    expect(await incidents()).toHaveLength(1);
    await eventually('the resolve on the webhook', () => (pages('resolve') === 1 ? true : undefined));
    expect((await vantageB())!.impairedReason).toBeNull();
    b.child.kill('SIGKILL');
    await b.exited();
  });

  it('killed (SIGKILL): a second vantage incident, resolved when a replacement process of the vantage starts', { timeout: 60_000 }, async () => {
    const open = await eventually('a new vantage incident for the killed process', async () => {
      const found = (await incidents()).filter((i) => i.status === 'open');
      return found.length ? found : undefined;
    }, { timeoutMs: 20_000 });
    expect(open).toHaveLength(1);
    expect(await incidents()).toHaveLength(2);
    await watchdogB();
    await eventually('resolved by the replacement', async () => ((await incidents()).every((i) => i.status === 'resolved') ? true : undefined), { timeoutMs: 20_000 });
    // Nothing doubled: one incident per silence, one page each way.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await incidents()).toHaveLength(2);
    expect(pages('trigger')).toBe(2);
  });
});
