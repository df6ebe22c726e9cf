import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingServer } from '../support/recording-server.js';
import { AGENT_API_ENV, attachAgent, type LabAgent } from './support/agent-lab.js';
import { Company } from './support/company.js';
import { ADMIN, LabMariaDb, REPL, Writer } from './support/lab-mariadb.js';

interface StateView {
  health: string;
  reason: string;
  vantages: { vantage: string; verdict: string }[];
}

interface IncidentView {
  id: string;
  status: string;
  openedAt: string;
  timeline: { message: string }[];
}

/**
 * The failover tests with two vantages and quorum 2: the central watchdog (root namespace) and a remote agent in a
 * namespace of its own probe every monitor; the tenant's default asks both to confirm down. One vantage's path cut
 * (nftables in the agent's namespace) is a suspicion only — no incident, no page, no run, the VIP stays; the host
 * gone for both is one incident and the usual failover, in the usual time.
 */
describe('two vantages, quorum 2, in the lab: a failover needs both to see the host gone', () => {
  let company: Company;
  let agent: LabAgent;
  let hook: RecordingServer;
  let vip: string;
  let vipId: string;

  const state = async (key: string): Promise<StateView | null> =>
    (await company.gql<{ monitor: { state: StateView | null } }>(`{ monitor(id: "${company.ids[key]}") { state { health reason vantages { vantage verdict } } } }`)).monitor.state;
  const incidentsOf = async (key: string): Promise<IncidentView[]> =>
    (await company.gql<{ incidents: { nodes: IncidentView[] } }>(`{ incidents(filter: {monitorId: "${company.ids[key]}"}) { nodes { id status openedAt timeline { message } } } }`)).incidents.nodes;
  const upFromBoth = (key: string): Promise<StateView> =>
    company.until(`${key} up from both vantages`, async () => {
      const s = await state(key);
      return s?.health === 'up' && s.vantages.filter((v) => v.verdict === 'up').length === 2 && s;
    });
  const holdsVip = (host: string, address = vip) => company.lab.exec(host, ['ip', '-o', 'addr', 'show', 'dev', 'eth0']).includes(` ${address}/`);

  beforeAll(async () => {
    // Alerts ungrouped: a page, if any, leaves at once (the suspicion below must send none).
    company = await Company.start(['web1', 'web2'], ['web1', 'web2'], { ...AGENT_API_ENV, VIGIA_ALERT_GROUP_SECONDS: '0' });
    const { lab, ids } = company;
    await lab.add('agent');
    agent = await attachAgent(lab, company.api);
    // Every monitor of the tenant probed by all platform vantages (the agent) and the central watchdog; 2 must confirm.
    await company.gql('mutation { setVantageDefaults(input: {quorum: 2}) }');
    hook = await new RecordingServer().start();
    await company.gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'on-call hook', type: 'webhook', config: { url: `${hook.url}/page` }, secret: 'hook-secret-0123456789' } });
    agent.start();
    vip = `${lab.subnet}.100`;
    lab.exec('web1', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    vipId = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'www-vip', kind: 'vip_group', config: { address: `${vip}/24`, interface: 'eth0' }, members: [{ hostId: ids.web1, monitorIds: [ids['web1-http']] }, { hostId: ids.web2, monitorIds: [ids['web2-http']] }], cooldownMinutes: 0, failback: 'stay' },
    })).createResource.id;
  }, 120_000);

  afterAll(async () => {
    await agent?.close();
    await hook?.stop();
    await company?.stop();
  });

  it('the agent’s path to web1 cut: web1 suspect, 1 of 2 — no incident, no page, no run, the VIP stays on web1', { timeout: 60_000 }, async () => {
    const { lab } = company;
    const assignment = (await company.gql<{ monitor: { vantageAssignment: { central: boolean; quorum: number; agents: { name: string }[] } | null } }>(
      `{ monitor(id: "${company.ids['web1-http']}") { vantageAssignment { central quorum agents { name } } } }`,
    )).monitor.vantageAssignment;
    expect(assignment).toEqual({ central: true, quorum: 2, agents: [{ name: 'lab-agent' }] });
    expect((await upFromBoth('web1-http')).vantages.map((v) => v.vantage).sort()).toEqual(['central', 'lab-agent']);
    await upFromBoth('web2-http');
    await company.until('the VIP to answer from web1', async () => (await company.answer(vip)) === 'web1');

    const cutAt = Date.now();
    agent.cut('vigia_web1', `ip daddr ${lab.host('web1').address}`);
    const suspect = await company.until('web1 suspect', async () => {
      const s = await state('web1-http');
      return s?.health === 'suspect' && s.vantages.find((v) => v.vantage === 'lab-agent')?.verdict === 'down' && s;
    }, 20_000);
    console.log(`the agent's path to web1 cut: suspect ${((Date.now() - cutAt) / 1000).toFixed(2)} s later: ${suspect.reason}`);
    expect(suspect.reason).toMatch(/^suspect: 1 of 2 vantages see it failing, 1 confirmed, 2 must confirm down — central: up since .*; lab-agent: down since/);

    // Several probe intervals (1 s) with one vantage confirming down: nothing may act on it. (The VIP is given 1 s to
    // answer: a loaded machine is not what this looks for.)
    const seen = new Set<string>();
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      const s = await state('web1-http');
      seen.add(`health ${s?.health}, VIP answers ${(await company.answer(vip, 1000)) || 'nothing'}, on web1 ${holdsVip('web1')}, on web2 ${holdsVip('web2')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect([...seen]).toEqual(['health suspect, VIP answers web1, on web1 true, on web2 false']);
    expect(await incidentsOf('web1-http')).toEqual([]);
    expect(await company.runs(vipId)).toEqual([]);
    expect((await company.gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${vipId}") { primaryHostId } }`)).resource.primaryHostId).toBe(company.ids.web1);
    expect(hook.hits).toEqual([]);
  });

  it('web1 gone for both vantages: one incident naming both, a page, and the VIP answering from web2 within the usual bound', { timeout: 60_000 }, async () => {
    const { lab, ids } = company;
    const started = Date.now();
    lab.isolate('web1');
    // When the incident is first seen (its openedAt is when the first vantage's failures began: the agent's, before).
    const incidentSeen = company.until('the incident', async () => (await incidentsOf('web1-http')).length > 0 && Date.now(), 20_000, 50);
    const seconds = ((await company.firstAnswer(vip, 'web2', 20_000)) - started) / 1000;
    const incidentSeconds = ((await incidentSeen) - started) / 1000;
    const [incident, ...more] = await incidentsOf('web1-http');
    console.log(`web VIP failover with two vantages, quorum 2: ${seconds.toFixed(2)} s from web1 off the network to the first good answer on the VIP; incident seen ${incidentSeconds.toFixed(2)} s after (openedAt ${incident!.openedAt})`);
    expect(seconds).toBeLessThan(10);
    expect(more).toEqual([]);
    expect(incident!.timeline[0]!.message).toMatch(/down: 2 of 2 vantages confirm it \(quorum 2\) — central: down since .*; lab-agent: down since/);
    const run = await company.until('the failover run to finish', async () => {
      const [r] = (await company.runs(vipId)).filter((x) => x.trigger === 'incident');
      return r && !['running', 'pending'].includes(r.status) && r;
    });
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'incident', runbookName: 'builtin/web-vip-failover' });
    expect(holdsVip('web2')).toBe(true);
    expect((await company.gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${vipId}") { primaryHostId } }`)).resource.primaryHostId).toBe(ids.web2);
    const page = await company.until('the page', async () => hook.hits[0]);
    expect(page.body).toContain('web1 http');
    expect(await incidentsOf('web1-http')).toHaveLength(1);
  });

  it('a MySQL primary: its path from the agent cut is a suspicion only; its host lost: both vantages and the replicas confirm, the most advanced replica promoted, writes acknowledged by it within the usual bound', { timeout: 150_000 }, async () => {
    const { lab, ids } = company;
    const names = ['dbh1', 'dbh2', 'dbh3'];
    for (const name of names) await company.addHost(name);
    const db = new LabMariaDb(lab);
    // As the single-vantage host-loss test: MariaDB's default slave_net_timeout (60 s), read_only at boot, arp_announce=2.
    await db.group('dbh1', ['dbh2', 'dbh3'], 51, {}, { slaveNetTimeout: 'default', readOnlyAtBoot: true });
    for (const n of names) lab.exec(n, ['sysctl', '-q', '-w', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.eth0.arp_announce=2']);
    const hvip = `${lab.subnet}.115`;
    lab.exec('dbh1', ['ip', 'addr', 'add', `${hvip}/24`, 'dev', 'eth0']);
    for (const n of names) {
      ids[`${n}-mysql`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${n} mysql", type: mysql, hostId: "${ids[n]}", config: {user: "${ADMIN.user}", password: "${ADMIN.password}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      )).createMonitor.id;
    }
    const groupId = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: {
        name: 'loss-db', kind: 'mysql_group', config: { port: 3306, replUser: REPL.user, maxLagSeconds: 5, confirmSeconds: 15, writerAddress: `${hvip}/24`, writerInterface: 'eth0' },
        secrets: { user: ADMIN.user, password: ADMIN.password, replPassword: REPL.password },
        members: names.map((m) => ({ hostId: ids[m], monitorIds: [ids[`${m}-mysql`]] })), cooldownMinutes: 0,
      },
    })).createResource.id;
    // The agent probes MySQL too (its sealed secret reached it): dbh1 up from both vantages.
    await upFromBoth('dbh1-mysql');
    const writer = new Writer(hvip);
    writer.start();
    try {
      await company.until('writes flowing', async () => writer.acknowledged.length > 30, 20_000);
      // The agent alone loses dbh1: suspect, and for several probe intervals no incident, no run, writes go on.
      agent.cut('vigia_dbh1', `ip daddr ${lab.host('dbh1').address}`);
      await company.until('dbh1 suspect', async () => {
        const s = await state('dbh1-mysql');
        return s?.health === 'suspect' && s.vantages.find((v) => v.vantage === 'lab-agent')?.verdict === 'down';
      }, 20_000);
      const during = writer.acknowledged.length;
      const healths = new Set<string>();
      for (const until = Date.now() + 4000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) healths.add((await state('dbh1-mysql'))?.health ?? 'none');
      expect([...healths]).toEqual(['suspect']);
      expect(await incidentsOf('dbh1-mysql')).toEqual([]);
      expect(await company.runs(groupId)).toEqual([]);
      expect(writer.acknowledged.length).toBeGreaterThan(during + 20);
      agent.uncut('vigia_dbh1');
      await upFromBoth('dbh1-mysql');

      writer.mark();
      const lostAt = Date.now();
      lab.isolate('dbh1');
      await company.until('a write acknowledged by the new primary', async () => writer.firstAfter !== undefined, 60_000, 20);
      const seconds = (writer.firstAfter! - lostAt) / 1000;
      const [incident, ...more] = await incidentsOf('dbh1-mysql');
      console.log(`MySQL host loss with two vantages, quorum 2: ${seconds.toFixed(2)} s from dbh1's link going down to the first write acknowledged by the new primary\n${incident?.timeline.map((e) => `  ${e.message.slice(0, 240)}`).join('\n')}`);
      expect(seconds).toBeLessThan(15);
      expect(more).toEqual([]);
      expect(incident!.timeline[0]!.message).toMatch(/down: 2 of 2 vantages confirm it \(quorum 2\) — central: down since .*; lab-agent: down since/);
      expect(incident!.timeline.find((e) => /primary confirmed dead by its replicas/.test(e.message))?.message).toMatch(/dbh2: cannot connect to dbh1:3306/);
      const run = await company.until('the failover run to finish', async () => {
        const [r] = (await company.runs(groupId)).filter((x) => x.trigger === 'incident');
        return r && !['running', 'pending'].includes(r.status) && r;
      }, 30_000);
      expect(run, JSON.stringify(run.steps)).toMatchObject({ status: 'succeeded', trigger: 'incident', runbookName: 'builtin/mysql-failover' });
      const group = (await company.gql<{ resource: { primaryHostId: string; fencePending: string[] } }>(`{ resource(id: "${groupId}") { primaryHostId fencePending } }`)).resource;
      expect([ids.dbh2, ids.dbh3]).toContain(group.primaryHostId);
      expect(group.fencePending).toEqual([ids.dbh1]);
      const promoted = group.primaryHostId === ids.dbh2 ? 'dbh2' : 'dbh3';
      await writer.stop();
      // Every acknowledged row, before the loss and after, is on the new primary.
      const have = new Set((await db.sql(promoted, 'SELECT id FROM shop.orders')).map((r) => Number(r.id)));
      expect(writer.acknowledged.filter((id) => !have.has(id))).toEqual([]);
    } finally {
      await writer.stop();
    }
  });
});
