import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchdogService } from '#lib/detection';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

/**
 * Never "up" on old results. Tried as an operator would: a monitor moved to a private vantage whose agent never
 * connected kept saying "up" (its last result, 88 s old) while its server was stopped, and no incident opened. When no
 * voter has reported within the freshness bound (60 s; unit tests hold the bound), the watchdog that owns it says
 * unknown, and why.
 */
describe('a monitor nobody probes any more is unknown, not up', () => {
  let api: TestApi;
  let owner: string;
  let monitor: string;
  const target = new RecordingServer();

  beforeAll(async () => {
    await target.start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1' });
    owner = (await api.tenant('silent')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web-b", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "web-b http", type: http, hostId: "${host}", config: {url: "${target.url}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner,
    )).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await target.stop();
  });

  const state = async () =>
    (await api.ok<{ monitor: { state: { health: string; reason: string; lastResultAt: string | null } | null } }>(`{ monitor(id: "${monitor}") { state { health reason lastResultAt } } }`, {}, owner)).monitor.state;

  it('goes unknown when its only vantage is an agent that never connected, naming it', async () => {
    await eventually('probed up by the central watchdog', async () => (await state())?.health === 'up', { timeoutMs: 15_000 });
    const { createVantage } = await api.ok<{ createVantage: { vantage: { id: string } } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { vantage { id } } }', { i: { name: 'tmp-x', kind: 'private' } }, owner,
    );
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitor}", input: {vantageIds: ["${createVantage.vantage.id}"], quorum: 1}) { quorum } }`, {}, owner);
    const watchdog = api.app.get(WatchdogService);
    await watchdog.refresh();
    const before = await state();
    // The central watchdog's results are no vote any more and the only voter has never reported. Within the bound of
    // the monitor's loading nothing is said (after a restart or a takeover stored results are old, voters not silent);
    // past it (the clock moved on 61 s) it is unknown.
    expect(watchdog.reassessSilent()).toBe(0);
    expect(watchdog.reassessSilent(Date.now() + 61_000)).toBe(1);
    await eventually('stored as unknown', async () => (await state())?.health === 'unknown', { timeoutMs: 10_000 });
    const after = (await state())!;
    expect(after.reason).toMatch(/^no fresh result from any vantage — tmp-x: (no result yet|not voting, impaired \(no heartbeat yet)/);
    // The last result shown is still the real one, not erased by a verdict made without a result.
    expect(after.lastResultAt).toBe(before!.lastResultAt);
    expect(watchdog.reassessSilent(Date.now() + 120_000)).toBe(0);
  }, 60_000);

  it('a monitor probed every 30 s is not silent 61 s after its result: three of its intervals pass first', async () => {
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "mail", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    const slow = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "mail http", type: http, hostId: "${host}", config: {url: "${target.url}/slow"}, intervalMs: 30000, timeoutMs: 1000}) { id } }`, {}, owner,
    )).createMonitor.id;
    const health = async () => (await api.ok<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${slow}") { state { health } } }`, {}, owner)).monitor.state?.health;
    const watchdog = api.app.get(WatchdogService);
    await watchdog.refresh();
    await eventually('probed once, up', async () => (await health()) === 'up', { timeoutMs: 40_000, everyMs: 200 });
    // Its bound is 3 × 30 s + 1 s = 91 s (the 60 s of the quorum's freshness would call it silent at 75 s).
    expect(watchdog.reassessSilent(Date.now() + 75_000)).toBe(0);
    expect(watchdog.reassessSilent(Date.now() + 95_000)).toBe(1);
  }, 90_000);
});
