import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorHealth } from '#lib/detection';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * Who an alert says saw it (`seen_from`): the voting vantages whose verdict is down — or, for a recovery, up — never
 * one that does not vote. An operator once read a dead agent's last "down" as who saw a recovery.
 */
describe('an alert names the vantages that saw it', () => {
  let api: TestApi;
  let monitorId = '';
  let tenantId = '';

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    const t = await api.tenant('seen');
    tenantId = t.tenantId;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }', {}, t.token)).createHost.id;
    monitorId = (await api.ok<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www", type: tcp, hostId: "${host}", config: {port: 80}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`, {}, t.token)).createMonitor.id;
  }, 60_000);
  afterAll(async () => api?.close());

  const store = async (vantages: Record<string, string>, rule: unknown) => {
    const seen = Object.fromEntries(Object.entries(vantages).map(([name, verdict]) => [name, { verdict, streakStatus: verdict, streak: 3, streakSince: 0, at: 0, reason: verdict }]));
    const detector = { health: 'up', since: 0, flapping: false, reason: '', vantages: seen, changes: [], ...(rule ? { rule } : {}) };
    await api.app.get(DataSource).query(
      `INSERT INTO monitor_states (monitor_id, tenant_id, health, since, flapping, reason, detector) VALUES ($1, $2, 'up', now(), false, '', $3)
       ON CONFLICT (monitor_id) DO UPDATE SET detector = excluded.detector`,
      [monitorId, tenantId, JSON.stringify(detector)],
    );
  };

  it('the voters that saw it down; for a recovery, those that see it up; never a vantage that does not vote', async () => {
    const health = api.app.get(MonitorHealth);
    // central and agent-b vote; agent-a is impaired (its last verdict, down, is not news); old is no longer assigned.
    await store({ central: 'up', 'agent-a': 'down', 'agent-b': 'up', old: 'down' }, { voters: ['central', 'agent-b'], excluded: { 'agent-a': 'impaired (heartbeat late)' }, freshMs: 60_000 });
    expect(await health.seenFrom(monitorId, true)).toEqual(['agent-b', 'central']);
    // No voter sees it down (not confirmed, or over): every voter, not the impaired one's stale down.
    expect(await health.seenFrom(monitorId)).toEqual(['agent-b', 'central']);
    await store({ central: 'down', 'agent-a': 'down', 'agent-b': 'up' }, { voters: ['central', 'agent-b'], excluded: { 'agent-a': 'impaired (clock off)' }, freshMs: 60_000 });
    expect(await health.seenFrom(monitorId)).toEqual(['central']);
    // A state stored before the rule was kept: every vantage counts, as before.
    await store({ central: 'down', 'agent-a': 'down' }, undefined);
    expect(await health.seenFrom(monitorId)).toEqual(['agent-a', 'central']);
  });
});
