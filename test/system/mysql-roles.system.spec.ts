import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { type MariaDbInstance, startReplicationPair } from './support/mariadb.js';

interface MonitorView {
  state: { health: string; lastReason: string | null } | null;
}

/**
 * A MySQL group's monitors and labels after a promotion, against a real MariaDB primary and GTID replica on loopback
 * and the real watchdog: the monitors were set up as "db1 writable, db2 replica"; after db2 is promoted they must
 * follow the group (db2 must take writes, db1 is expected to replicate and says it does not), not the set-up.
 */
describe('MySQL group: monitors and member roles follow the primary', () => {
  let api: TestApi;
  let token: string;
  let primary: MariaDbInstance;
  let replica: MariaDbInstance;
  const ids: Record<string, string> = {};
  const gql = <T>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const monitor = async (key: string): Promise<MonitorView['state']> =>
    (await gql<{ monitor: MonitorView }>(`{ monitor(id: "${ids[key]}") { state { health lastReason } } }`)).monitor.state;
  const until = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const healthIs = (key: string, health: string, reason: RegExp = /./) =>
    until(`${key} ${health} (${reason})`, async () => {
      const state = await monitor(key);
      return state?.health === health && reason.test(state.lastReason ?? '') ? state : undefined;
    });
  const roles = async (): Promise<Record<string, string>> => {
    const { resource } = await gql<{ resource: { members: { role: string; host: { name: string } }[] } }>(`{ resource(id: "${ids.group}") { members { role host { name } } } }`);
    return Object.fromEntries(resource.members.map((m) => [m.host.name, m.role]));
  };

  beforeAll(async () => {
    ({ primary, replica } = await startReplicationPair());
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1' });
    token = (await api.tenant('dbroles')).token;
    for (const [name, db, role] of [['db1', primary, 'writable'], ['db2', replica, 'replica']] as const) {
      ids[name] = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["127.0.0.1"]}) { id } }`)).createHost.id;
      ids[`${name}-mysql`] = (await gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} mysql", type: mysql, hostId: "${ids[name]}", config: {port: ${db.port}, user: "vigia", password: "probe-pass", ${role}: true}, intervalMs: 1000, timeoutMs: 800}) { id } }`,
      )).createMonitor.id;
    }
    ids.group = (await gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'shop-db', kind: 'mysql_group', config: { writerAddress: '10.99.0.50/24', writerInterface: 'eth0' }, members: [{ hostId: ids.db1, monitorIds: [ids['db1-mysql']] }, { hostId: ids.db2, monitorIds: [ids['db2-mysql']] }], approvalRequired: true },
    })).createResource.id;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await replica?.destroy();
    await primary?.destroy();
  });

  it('before: db1 primary (writable), db2 replica (replicating)', async () => {
    await healthIs('db1-mysql', 'up');
    const state = await healthIs('db2-mysql', 'up');
    expect(state?.lastReason).toMatch(/replicating from 127\.0\.0\.1:/);
    expect(await roles()).toEqual({ db1: 'primary', db2: 'replica' });
  });

  it('after db2 is promoted: db2 takes writes and is up, db1 is expected to replicate and says it does not', async () => {
    // Paused while the roles change hands, so no half-way state opens an incident on the group's primary.
    const enabled = (on: boolean) => Promise.all(['db1-mysql', 'db2-mysql'].map((k) => gql(`mutation { updateMonitor(id: "${ids[k]}", input: {enabled: ${on}}) { id } }`)));
    await enabled(false);
    // What the promotion step does on the servers: db2 stops replicating and takes writes, db1 is fenced read-only.
    await replica.sql('STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF;');
    await primary.sql('SET GLOBAL read_only = ON;');
    // …and what it records (the run's setPrimary effect).
    await api.app.get(DataSource).query("UPDATE resources SET primary_host_id = $1, primary_reason = 'db2 promoted (test)' WHERE id = $2", [ids.db2, ids.group]);
    await enabled(true);

    // The set-up said "db2: replica": it would be "degraded: not replicating" for ever. It is the primary now: up,
    // writable (no "read_only"), and no longer replicating.
    const promoted = await healthIs('db2-mysql', 'up', /^MySQL 127\.0\.0\.1:\d+ answered in [\d.]+ ms$/);
    expect(promoted?.lastReason).not.toMatch(/not replicating|read_only|replicating from/);
    // The set-up said "db1: writable": "down: the primary refuses writes". It is the fenced former primary now.
    const fenced = await healthIs('db1-mysql', 'degraded');
    expect(fenced?.lastReason).toMatch(/\(read_only\): not replicating/);
    expect(await roles()).toEqual({ db1: 'not_replicating', db2: 'primary' });
    // Nothing opened an incident on the group's primary on the way.
    const { incidents } = await gql<{ incidents: { nodes: { monitorId: string }[] } }>('{ incidents { nodes { monitorId } } }');
    expect(incidents.nodes.filter((i) => i.monitorId === ids['db2-mysql'])).toEqual([]);
  }, 90_000);
});
