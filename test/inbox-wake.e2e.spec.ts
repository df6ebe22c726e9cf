import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetChanges, WatchdogHeartbeatService, WatchdogService } from '#lib/detection';
import { ResultInbox } from '#lib/vantages';
import { eventually } from './support/eventually.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * An agent's results reach the owning watchdog at once: the inbox announces each stored row to its owner, which
 * claims it then, not at its next poll (every 2 s while the announcements are heard). Three results stored 700 ms
 * apart: polls 2 s apart could claim at most one of them within 600 ms (the windows span 1.9 s); told, it claims
 * each within a few milliseconds (two of three asked, for a loaded machine). And each reaches the detector.
 */
describe('the watchdog wakes for the results stored for it', () => {
  let api: TestApi;
  let monitor: string;
  let owner: string;
  let vantage: { id: string; name: string };

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1' });
    owner = (await api.tenant('wake')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "vlan-web", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "vlan www", type: http, hostId: "${host}", config: {url: "http://127.0.0.1:9/"}, intervalMs: 60000, timeoutMs: 500}) { id } }`, {}, owner,
    )).createMonitor.id;
    const { createVantage } = await api.ok<{ createVantage: { vantage: { id: string; name: string } } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { vantage { id name } } }', { i: { name: 'vlan', kind: 'private' } }, owner,
    );
    vantage = createVantage.vantage;
    // Probed by the private vantage only: the watchdog holds its detector and takes its results from the inbox.
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitor}", input: {vantageIds: ["${vantage.id}"], quorum: 1}) { quorum } }`, {}, owner);
    await eventually('the watchdog holds the monitor', () => api.app.get(WatchdogService).stats().monitors >= 1 || undefined);
    await eventually('the inbox announcements heard', () => api.app.get(FleetChanges).isListening || undefined);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('claims them within 600 ms of their store, not at a 2 s poll, and the detector takes them', async () => {
    const inbox = api.app.get(ResultInbox);
    const self = api.app.get(WatchdogHeartbeatService).instanceId;
    const db = api.app.get(DataSource);
    const tenantId = ((await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [monitor])) as { tenant_id: string }[])[0]!.tenant_id;
    const waits: number[] = [];
    let at = 0;
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      at = Date.now();
      await inbox.store(vantage, [{ monitorId: monitor, tenantId, at, status: 'up', latencyMs: 2, reason: `HTTP 200 (${i})`, replayed: false }], () => self);
      await eventually('the result claimed', async () => Number(((await db.query('SELECT count(*) AS n FROM vantage_result_batches')) as { n: string }[])[0]!.n) === 0 || undefined, {
        timeoutMs: 3_000,
        everyMs: 10,
      });
      waits.push(Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    expect(waits.filter((ms) => ms < 600).length, `claimed after ${waits.join(', ')} ms`).toBeGreaterThanOrEqual(2);
    // Taken by the detector (its stored state shows the vantage's last result), not handed back and dropped.
    const seen = await eventually('the last result in the monitor\'s state', async () => {
      const { monitor: m } = await api.ok<{ monitor: { state: { vantages: { vantage: string; at: string; reason: string }[] } } }>(
        `{ monitor(id: "${monitor}") { state { vantages { vantage at reason } } } }`, {}, owner,
      );
      return m.state.vantages.find((v) => v.vantage === 'vlan' && v.reason === 'HTTP 200 (2)');
    });
    expect(new Date(seen.at).getTime()).toBe(at);
  });
});
