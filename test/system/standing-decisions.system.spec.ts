import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Company } from './support/company.js';
import { ADMIN, LabMariaDb, REPL, Writer } from './support/lab-mariadb.js';

interface ResourceState {
  primaryHostId: string;
  fencePending: string[];
  decision: string | null;
  decisionKind: string | null;
  decisionPagedAt: string | null;
  activeRun: { id: string } | null;
}
const RESOURCE = 'primaryHostId fencePending decision decisionKind decisionPagedAt activeRun { id }';

/**
 * Issue 22 in the network-namespace lab: a failover decision that changes after Vigia's first look. A flaky VIP
 * holder lost three times in ten minutes, and a MySQL primary first partitioned from Vigia only, then really dead.
 */
describe('standing failover decisions in the lab: flapping and partition-then-crash', () => {
  let company: Company;
  const resource = (id: string) => company.gql<{ resource: ResourceState }>(`{ resource(id: "${id}") { ${RESOURCE} } }`).then((d) => d.resource);
  const runs = (resourceId: string) => company.runs(resourceId);
  const pages = async (incidentId: string) =>
    (await company.api.app.get(DataSource).query("SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1 AND kind = 'runbook'", [incidentId]) as { n: number }[])[0]!.n;

  beforeAll(async () => {
    company = await Company.start(['web1', 'web2', 'db1', 'db2', 'db3'], ['web1', 'web2']);
    // Pages are counted as queued notifications: an e-mail channel is enough (nothing needs to be delivered here).
    await company.gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'on-call', type: 'email', config: { to: ['oncall@lab.test'] } } });
  }, 180_000);
  afterAll(async () => {
    await company?.stop();
  });

  it('a flaky VIP holder lost three times in ten minutes: the third failover is held and paged, then happens', async () => {
    const { lab, ids } = company;
    const vip = `${lab.subnet}.100`;
    lab.exec('web1', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    const id = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: {
        name: 'www-vip', kind: 'vip_group', config: { address: `${vip}/24`, interface: 'eth0', flapStableSeconds: 10 },
        members: [{ hostId: ids.web1, monitorIds: [ids['web1-http']] }, { hostId: ids.web2, monitorIds: [ids['web2-http']] }], cooldownMinutes: 0, failback: 'auto', failbackHoldSeconds: 2,
      },
    })).createResource.id;
    await company.monitorUp('web1-http');
    await company.monitorUp('web2-http');
    // Losses one and two: failover, web1 back, fenced, failback (a flaky server, as a real one would be).
    for (const loss of [1, 2]) {
      const started = Date.now();
      lab.isolate('web1');
      const seconds = ((await company.firstAnswer(vip, 'web2', 20_000)) - started) / 1000;
      console.log(`flaky holder, loss ${loss}: VIP answered from web2 ${seconds.toFixed(2)} s after web1 left the network`);
      lab.reconnect('web1');
      await company.until(`failback after loss ${loss}`, async () => {
        const r = await resource(id);
        return !r.activeRun && r.primaryHostId === ids.web1 && r.fencePending.length === 0 && (await company.answer(vip)) === 'web1';
      }, 40_000);
    }
    // Loss three: web1's monitor has now changed state five times in ten minutes — flapping. The failover waits for
    // web1 to stay down 10 s (flapStableSeconds), says so on the resource and pages; then it happens.
    const started = Date.now();
    lab.isolate('web1');
    const held = await company.until('the held decision', async () => {
      const r = await resource(id);
      return r.decisionKind === 'held_flapping' && r;
    }, 20_000, 100);
    expect(held.decision).toMatch(/failover held: the primary is flapping \(3 losses in 10 min\); it runs once the primary has been down steadily for 10 s/);
    const [incident] = (await company.gql<{ incidents: { nodes: { id: string; flapping: boolean }[] } }>(`{ incidents(filter: {monitorId: "${ids['web1-http']}", status: open}) { nodes { id flapping } } }`)).incidents.nodes;
    expect(incident!.flapping).toBe(true);
    await company.until('the page of the held failover', async () => (await pages(incident!.id)) >= 1, 10_000);
    const seconds = ((await company.firstAnswer(vip, 'web2', 40_000)) - started) / 1000;
    console.log(`flaky holder, loss 3 (flapping): VIP answered from web2 ${seconds.toFixed(2)} s after web1 left the network (held 10 s by flap damping)`);
    expect(seconds).toBeGreaterThanOrEqual(9);
    expect(seconds).toBeLessThan(25);
    const after = await company.until('the run done and the decision cleared', async () => {
      const r = await resource(id);
      return !r.activeRun && !r.decisionKind && r.primaryHostId === ids.web2 && r;
    });
    expect(after.fencePending).toEqual([ids.web1]);
    expect((await runs(id)).filter((r) => r.trigger === 'incident').map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    lab.reconnect('web1');
    await company.until('web1 fenced on return', async () => (await resource(id)).fencePending.length === 0, 30_000);
    await company.gql(`mutation { updateResource(id: "${id}", input: {failback: stay}) { id } }`);
    await company.gql(`mutation { deleteResource(id: "${id}") }`);
  }, 240_000);

  it('a MySQL primary partitioned from Vigia only (no failover), then really crashed: failover within seconds of the crash', async () => {
    const { lab, ids } = company;
    const db = new LabMariaDb(lab);
    await db.group('db1', ['db2', 'db3'], 31);
    const vip = `${lab.subnet}.120`;
    lab.exec('db1', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    for (const name of ['db1', 'db2', 'db3']) {
      ids[`${name}-mysql`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} mysql", type: mysql, hostId: "${ids[name]}", config: {user: "${ADMIN.user}", password: "${ADMIN.password}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      )).createMonitor.id;
    }
    const id = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: {
        name: 'shop-db', kind: 'mysql_group', config: { port: 3306, replUser: REPL.user, maxLagSeconds: 5, confirmSeconds: 5, writerAddress: `${vip}/24`, writerInterface: 'eth0' },
        secrets: { user: ADMIN.user, password: ADMIN.password, replPassword: REPL.password },
        members: ['db1', 'db2', 'db3'].map((m) => ({ hostId: ids[m], monitorIds: [ids[`${m}-mysql`]] })), cooldownMinutes: 0,
      },
    })).createResource.id;
    await company.monitorUp('db1-mysql');
    // db1 drops what it would send to Vigia; its replicas still reach it: correctly, no failover — a standing decision.
    lab.exec('db1', ['ip', 'route', 'add', 'blackhole', `${lab.gateway}/32`]);
    const unconfirmed = await company.until('the no-failover decision', async () => {
      const r = await resource(id);
      return r.decisionKind === 'unconfirmed' && r;
    }, 30_000, 250);
    expect(unconfirmed.decision).toMatch(/no failover: the primary is unreachable from Vigia, but its replicas do not confirm it is dead/);
    // Past confirmSeconds an unrepaired primary pages, whatever the reason.
    await company.until('the decision paged', async () => !!(await resource(id)).decisionPagedAt, 20_000, 250);
    expect(await runs(id)).toEqual([]);
    // Now db1 really dies. A client on Vigia's side of the partition keeps trying to write through the writer address:
    // its first acknowledged write is the new primary's.
    const writer = new Writer(vip);
    writer.start();
    const crashedAt = Date.now();
    writer.mark();
    await db.kill('db1');
    await company.until('a write acknowledged by the new primary', async () => writer.firstAfter !== undefined, 60_000, 50);
    const seconds = (writer.firstAfter! - crashedAt) / 1000;
    console.log(`partition, then crash: ${seconds.toFixed(2)} s from killing db1's mariadbd to the first write acknowledged by the new primary`);
    await writer.stop();
    expect(seconds).toBeLessThan(10);
    const [run] = await runs(id);
    expect(run).toMatchObject({ trigger: 'incident' });
    const done = await company.finished(run!.id);
    expect(done.status).toBe('succeeded');
    const state = await resource(id);
    expect([ids.db2, ids.db3]).toContain(state.primaryHostId);
    expect(state.decisionKind).toBeNull();
    lab.exec('db1', ['ip', 'route', 'del', 'blackhole', `${lab.gateway}/32`]);
  }, 240_000);
});
