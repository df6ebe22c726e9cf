import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/eventually.js';
import { Company } from './support/company.js';
import { ADMIN, LabMariaDb, REPL, Writer } from './support/lab-mariadb.js';


describe('MySQL failover in the lab: real MariaDB GTID replication with semi-sync, a writer VIP', () => {
  let company: Company;
  let db: LabMariaDb;
  let vip: string;
  const mysqlMonitor = async (name: string) => (await company.gql<{ createMonitor: { id: string } }>(
    `mutation { createMonitor(input: {name: "${name} mysql", type: mysql, hostId: "${company.ids[name]}", config: {user: "${ADMIN.user}", password: "${ADMIN.password}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
  )).createMonitor.id;
  const runs = (resourceId: string) => company.runs(resourceId);
  /** The acknowledged rows a server still lacks after up to 10 s of replication catching up (none: all there). */
  const rowsMissing = async (name: string, acknowledged: number[]): Promise<number[]> => {
    let have = new Set<number>();
    await waitUntil(`every acknowledged row on ${name}`, async () => {
      have = new Set((await db.sql(name, 'SELECT id FROM shop.orders')).map((r) => Number(r.id)));
      return acknowledged.every((id) => have.has(id));
    }, { timeoutMs: 10_000, everyMs: 200 });
    return acknowledged.filter((id) => !have.has(id));
  };
  /**
   * The runs an outage started (trigger `incident`), newest first. A fence run of the old primary may come between
   * (trigger `fence`: tried at its first contact, and failing while its mysqld is down), so "the newest run" is not
   * the failover's once the failover is quick.
   */
  const failoverRuns = async (resourceId: string) => (await runs(resourceId)).filter((r) => r.trigger === 'incident');
  const group = async (name: string, members: string[], extra: Record<string, unknown> = {}) => {
    const ids = company.ids;
    for (const m of members) ids[`${m}-mysql`] ??= await mysqlMonitor(m);
    return (await company.gql<{ createResource: { id: string; runbookId: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id runbookId } }', {
      i: {
        name, kind: 'mysql_group', config: { port: 3306, replUser: REPL.user, maxLagSeconds: 5, confirmSeconds: 15, writerAddress: `${vip}/24`, writerInterface: 'eth0', ...extra },
        secrets: { user: ADMIN.user, password: ADMIN.password, replPassword: REPL.password },
        members: members.map((m) => ({ hostId: ids[m], monitorIds: [ids[`${m}-mysql`]] })), cooldownMinutes: 0,
      },
    })).createResource;
  };
  const incidentsOf = async (monitor: string) => (await company.gql<{ incidents: { nodes: { id: string; timeline: { kind: string; message: string }[] }[] } }>(
    `{ incidents(filter: {monitorId: "${company.ids[monitor]}"}) { nodes { id timeline { kind message } } } }`,
  )).incidents.nodes;

  beforeAll(async () => {
    // Two vantages, quorum 2 (the central watchdog and a remote agent): MySQL's own holistic check combines with it.
    company = await Company.start(['db1', 'db2', 'db3', 'dbx1', 'dbx2'], [], {}, { twoVantages: true });
    db = new LabMariaDb(company.lab);
    vip = `${company.lab.subnet}.110`;
    await db.group('db1', ['db2', 'db3'], 1);
  }, 180_000);
  afterAll(async () => {
    await company?.stop();
  });

  it('no false failover: db1 cut off from Vigia but not from its replicas', async () => {
    const { lab } = company;
    const created = await group('shop-db-a', ['db1', 'db2', 'db3']);
    // These servers do not have read_only=ON in their configuration: each member carries the warning.
    const warnings = (await company.gql<{ resource: { members: { warning: string | null }[] } }>(`{ resource(id: "${created.id}") { members { warning } } }`)).resource.members.map((m) => m.warning);
    // Nor arp_announce=2: a returning member could draw the writer address back before it is fenced.
    expect(warnings).toEqual(Array(3).fill(expect.stringMatching(/^read_only is not ON in its MySQL configuration at boot \(my_print_defaults --mysqld\).*; arp_announce is 0 on eth0 /)));
    await company.monitorUp('db1-mysql');
    // db1 drops whatever it would send to Vigia's vantages (both confirm it down); the replicas still reach it.
    for (const address of company.vantageAddresses()) lab.exec('db1', ['ip', 'route', 'add', 'blackhole', `${address}/32`]);
    const incident = await company.until('an incident on db1', async () => (await incidentsOf('db1-mysql'))[0], 20_000);
    const note = await company.until('the no-failover decision', async () => {
      const [i] = await incidentsOf('db1-mysql');
      return i?.timeline.find((e) => /no failover/.test(e.message));
    }, 40_000, 500);
    // Both signals say db1 is alive: each replica's host connects to it, and its IO thread is still connected.
    expect(note.message).toMatch(/replicas do not confirm it is dead .*db2: connects to db1:3306 directly; IO thread still connected to db1/);
    expect(incident.id).toBeDefined();
    expect(await runs(created.id)).toEqual([]);
    for (const address of company.vantageAddresses()) lab.exec('db1', ['ip', 'route', 'del', 'blackhole', `${address}/32`]);
    await company.gql(`mutation { deleteResource(id: "${created.id}") }`);
    await company.monitorUp('db1-mysql', 'db1 monitored up again');
  }, 120_000);

  it('promotion: db1 killed under writes; the most advanced replica is promoted, the other follows it, the VIP moves, no acknowledged row is lost', async () => {
    const { lab, ids } = company;
    lab.exec('db1', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    const created = await group('shop-db', ['db1', 'db2', 'db3']);
    const writer = new Writer(vip);
    writer.start();
    await company.until('writes flowing', async () => writer.acknowledged.length > 50, 20_000);
    const killedAt = Date.now();
    await db.kill('db1');
    // After the kill: every insert sent from here on can only be acknowledged by a new primary.
    writer.mark();
    const ackedBeforeKill = [...writer.acknowledged];
    await company.until('a write acknowledged by the new primary', async () => writer.firstAfter !== undefined, 60_000, 50);
    const seconds = (writer.firstAfter! - killedAt) / 1000;
    console.log(`MySQL failover: ${seconds.toFixed(2)} s from killing db1's mariadbd to the first write acknowledged by the new primary`);
    await new Promise((r) => setTimeout(r, 1000));
    await writer.stop();
    const run = await company.until('the failover run to finish', async () => {
      const [r] = await failoverRuns(created.id);
      return r && !['running', 'pending'].includes(r.status) && r;
    }, 20_000);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', trigger: 'incident', runbookName: 'builtin/mysql-failover' });
    const promote = run!.steps.find((s) => s.name === 'promote')!;
    const state = await company.gql<{ resource: { primaryHostId: string; primaryReason: string; fencePending: string[] } }>(`{ resource(id: "${created.id}") { primaryHostId primaryReason fencePending } }`);
    const newPrimary = state.resource.primaryHostId === ids.db2 ? 'db2' : 'db3';
    const other = newPrimary === 'db2' ? 'db3' : 'db2';
    expect([ids.db2, ids.db3]).toContain(state.resource.primaryHostId);
    expect(state.resource.primaryReason).toMatch(new RegExp(`${newPrimary} promoted`));
    expect(state.resource.fencePending).toEqual([ids.db1]);
    // Receiving stopped on both replicas side by side (in the order they finished), then the promotion proper.
    const shown = promote.actions.map((a) => `${a.target.split(' ')[0]}: ${a.command.split(';')[0]}`);
    expect(shown.slice(0, 2).sort()).toEqual([`db2: STOP SLAVE IO_THREAD`, `db3: STOP SLAVE IO_THREAD`]);
    expect(shown.slice(2)).toEqual([
      `${newPrimary}: wait until applied: ${promote.actions[2]!.command.slice('wait until applied: '.length).split(' (')[0]} (at most 5 s)`.split(';')[0],
      `${newPrimary}: STOP SLAVE`,
      `${other}: STOP SLAVE`,
    ]);
    // Every acknowledged row is on the new primary and on the replica that now follows it.
    const all = writer.acknowledged;
    expect(all.length).toBeGreaterThan(ackedBeforeKill.length);
    for (const name of [newPrimary, other]) expect(await rowsMissing(name, all), `rows missing on ${name}`).toEqual([]);
    const [status] = await db.sql(other, 'SHOW SLAVE STATUS');
    expect(status).toMatchObject({ Master_Host: lab.host(newPrimary).address, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
    expect((await db.sql(newPrimary, 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(0);

    // The old primary comes back: Vigia makes it read-only and leaves it so.
    await db.start('db1', 1);
    await company.until('db1 fenced on return', async () => {
      const r = await company.gql<{ resource: { fencePending: string[] } }>(`{ resource(id: "${created.id}") { fencePending } }`);
      return r.resource.fencePending.length === 0;
    }, 30_000, 500);
    expect((await db.sql('db1', 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(1);
    expect((await company.gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${created.id}") { primaryHostId } }`)).resource.primaryHostId).toBe(ids[newPrimary]);

    // Promoting away from a healthy primary is refused (that is a switchover, not a failover).
    const healthy = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${created.runbookId}", resourceId: "${created.id}", params: {from: "${newPrimary}"}}) { id } }`)).startRun;
    const refused = await company.until('the refused promotion', async () => {
      const r = (await runs(created.id)).find((x) => x.id === healthy.id);
      return r && ['failed', 'succeeded'].includes(r.status) && r;
    }, 20_000);
    expect(refused.status).toBe('failed');
    expect(refused.steps[0]!.error).toMatch(new RegExp(`${newPrimary} is reachable, writable and replicas still replicate from it`));
    expect((await db.sql(newPrimary, 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(0);
  }, 180_000);

  it('host loss with "require confirmed fencing": db4 vanishes, replicas confirm, promotion waits for an operator, then completes', async () => {
    const { lab, ids } = company;
    for (const name of ['db4', 'db5', 'db6']) await company.addHost(name);
    await db.group('db4', ['db5', 'db6'], 21);
    // A fence command that cannot run while db4 is away: the first attempt fails after its full 10 s.
    const created = await group('fenced-db', ['db4', 'db5', 'db6'], { writerAddress: `${lab.subnet}.112/24`, fenceCommand: ['touch', `${lab.dir}/db4-fenced`] });
    await company.gql(`mutation { updateResource(id: "${created.id}", input: {requireFencing: true, failback: auto}) { id } }`);
    lab.exec('db4', ['ip', 'addr', 'add', `${lab.subnet}.112/24`, 'dev', 'eth0']);
    await company.monitorUp('db4-mysql');
    await db.sql('db4', 'INSERT INTO shop.orders VALUES (1, "before the loss")');
    const lostAt = Date.now();
    lab.isolate('db4');
    const paused = await company.until('the promotion to wait for an operator', async () => {
      const [r] = await failoverRuns(created.id);
      return r?.status === 'waiting_approval' && r;
    }, 60_000, 250);
    console.log(`host loss: replicas confirmed and the run paused for fencing ${((Date.now() - lostAt) / 1000).toFixed(1)} s after db4 vanished`);
    expect(paused.statusReason).toMatch(/db4 could not be fenced .*approve only once it cannot accept writes/);
    for (const name of ['db5', 'db6']) expect((await db.sql(name, 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(1);
    const approvedAt = Date.now();
    await company.gql(`mutation { approveRun(id: "${paused.id}") { id } }`);
    const done = await company.until('the approved promotion', async () => {
      const r = (await runs(created.id)).find((x) => x.id === paused.id)!;
      return ['succeeded', 'failed'].includes(r.status) && r;
    }, 30_000, 100);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    // The fence the operator vouched for is not tried again (it took 10 s the first time), and the record keeps both
    // attempts: the failed fence, then the approval in its place, then the promotion.
    console.log(`approved promotion finished ${((Date.now() - approvedAt) / 1000).toFixed(1)} s after the approval`);
    expect(Date.now() - approvedAt).toBeLessThan(9000);
    const promoteActions = done.steps[0]!.actions.map((a) => `${a.kind}: ${a.command}${a.ok ? '' : ' (failed)'}`);
    expect(promoteActions.slice(0, 2)).toEqual([`ssh: touch ${lab.dir}/db4-fenced (failed)`, 'approval: fence skipped: an operator approved going on without it']);
    expect(promoteActions.filter((a) => a.startsWith('ssh: touch'))).toHaveLength(1);
    const state = (await company.gql<{ resource: { primaryHostId: string; fencePending: string[] } }>(`{ resource(id: "${created.id}") { primaryHostId fencePending } }`)).resource;
    expect([ids.db5, ids.db6]).toContain(state.primaryHostId);
    expect(state.fencePending).toEqual([ids.db4]);
    const promoted = state.primaryHostId === ids.db5 ? 'db5' : 'db6';
    expect((await db.sql(promoted, 'SELECT note FROM shop.orders WHERE id = 1'))[0]!.note).toBe('before the loss');
    // db4 returns: fenced (read_only) and, with failback "auto", re-attached as a replica of the new primary.
    lab.reconnect('db4');
    await company.until('db4 fenced and re-attached', async () => {
      const r = await company.gql<{ resource: { fencePending: string[]; activeRun: { id: string } | null } }>(`{ resource(id: "${created.id}") { fencePending activeRun { id } } }`);
      return r.resource.fencePending.length === 0 && !r.resource.activeRun;
    }, 40_000, 500);
    const [fence] = await runs(created.id);
    expect(fence).toMatchObject({ trigger: 'fence', status: 'succeeded' });
    expect(fence!.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['fence:succeeded', 'reattach:succeeded']);
    const [status] = await db.sql('db4', 'SHOW SLAVE STATUS');
    expect(status).toMatchObject({ Master_Host: lab.host(promoted).address, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
    expect((await db.sql('db4', 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(1);
    await db.sql(promoted, 'INSERT INTO shop.orders VALUES (2, "after")');
    await company.until('db4 following the new primary', async () => (await db.sql('db4', 'SELECT COUNT(*) AS n FROM shop.orders WHERE id = 2'))[0]!.n === 1, 10_000);
  }, 180_000);

  it('host loss at MariaDB\'s default slave_net_timeout: the replicas\' hosts confirm in seconds; the old primary returns under writes, is fenced at first contact and accepts none', async () => {
    const { lab, ids } = company;
    for (const name of ['dbh1', 'dbh2', 'dbh3']) await company.addHost(name);
    // slave_net_timeout left at its default (60 s): the IO threads would notice the loss only after a minute.
    await db.group('dbh1', ['dbh2', 'dbh3'], 51, {}, { slaveNetTimeout: 'default', readOnlyAtBoot: true });
    expect((await db.sql('dbh2', 'SELECT @@global.slave_net_timeout AS t'))[0]!.t).toBe(60);
    const hvip = `${lab.subnet}.115`;
    // As docs/runbooks.md asks of every member: a host never names the writer address in its own ARP requests, so a
    // returning old primary's first packets do not pull the neighbours' entry for it back to its MAC.
    for (const n of ['dbh1', 'dbh2', 'dbh3']) lab.exec(n, ['sysctl', '-q', '-w', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.eth0.arp_announce=2']);
    lab.exec('dbh1', ['ip', 'addr', 'add', `${hvip}/24`, 'dev', 'eth0']);
    const created = await group('loss-db', ['dbh1', 'dbh2', 'dbh3'], { writerAddress: `${hvip}/24` });
    // Registered: every member boots read-only, so none carries a warning.
    const members = (await company.gql<{ resource: { members: { hostId: string; warning: string | null }[] } }>(`{ resource(id: "${created.id}") { members { hostId warning } } }`)).resource.members;
    expect(members.map((m) => m.warning)).toEqual([null, null, null]);
    await company.monitorUp('dbh1-mysql');
    const writer = new Writer(hvip);
    writer.start();
    await company.until('writes flowing', async () => writer.acknowledged.length > 30, 20_000);
    writer.mark();
    const lostAt = Date.now();
    lab.isolate('dbh1');
    await company.until('a write acknowledged by the new primary', async () => writer.firstAfter !== undefined, 60_000, 20);
    const seconds = (writer.firstAfter! - lostAt) / 1000;
    console.log(`host loss (slave_net_timeout 60 s): ${seconds.toFixed(2)} s from dbh1's link going down to the first write acknowledged by the new primary`);
    expect(seconds).toBeLessThan(15);
    const [incident] = await incidentsOf('dbh1-mysql');
    const timed = (await company.gql<{ incident: { openedAt: string; timeline: { at: string; message: string }[] } }>(`{ incident(id: "${incident!.id}") { openedAt timeline { at message } } }`)).incident;
    console.log(`incident opened +${((Date.parse(timed.openedAt) - lostAt) / 1000).toFixed(2)} s\n${timed.timeline.map((e) => `  +${((Date.parse(e.at) - lostAt) / 1000).toFixed(2)} s ${e.message.slice(0, 300)}`).join('\n')}`);
    expect(incident!.timeline.find((e) => /primary confirmed dead by its replicas/.test(e.message))?.message).toMatch(/dbh2: cannot connect to dbh1:3306/);
    const run = await company.until('the failover run to finish', async () => {
      const [r] = await failoverRuns(created.id);
      return r && !['running', 'pending'].includes(r.status) && r;
    }, 30_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const rel = (at: string | null | undefined) => (at ? `+${((Date.parse(at) - lostAt) / 1000).toFixed(2)} s` : '-');
    console.log(`run started ${rel(run.startedAt)}\n` + run.steps.map((st) => `${st.name} (${rel(st.startedAt)} → ${rel(st.finishedAt)}): ${st.actions.map((a) => `${a.target.split(' ')[0]} ${a.command.slice(0, 40)} ${a.ms} ms`).join(', ')}`).join('\n'));
    // The failover checked the surviving members' boot configuration (the lost host is not waited for).
    const boot = run.steps.find((s) => s.type === 'mysql.boot-config')!;
    expect(boot.actions.map((a) => `${a.target.split(' ')[0]}: ${a.command}: ${a.ok} ${a.note}`).sort()).toEqual([
      'dbh2: my_print_defaults --mysqld: true read_only=ON at boot',
      'dbh2: sysctl net.ipv4.conf.all.arp_announce net/ipv4/conf/eth0/arp_announce: true arp_announce=2 on eth0',
      'dbh3: my_print_defaults --mysqld: true read_only=ON at boot',
      'dbh3: sysctl net.ipv4.conf.all.arp_announce net/ipv4/conf/eth0/arp_announce: true arp_announce=2 on eth0',
    ]);
    const state = (await company.gql<{ resource: { primaryHostId: string; fencePending: string[] } }>(`{ resource(id: "${created.id}") { primaryHostId fencePending } }`)).resource;
    expect(state.fencePending).toEqual([ids.dbh1]);
    const promoted = state.primaryHostId === ids.dbh2 ? 'dbh2' : 'dbh3';

    // dbh1 comes back as it was: mysqld running, writable, the writer address still on it. The writer keeps going.
    const writable = (await db.sql('dbh1', 'SELECT @@global.read_only AS ro'))[0]!.ro;
    expect(writable).toBe(0);
    const firstAfterReturn = writer.nextId;
    const backAt = Date.now();
    lab.reconnect('dbh1');
    let readOnlyAt = 0;
    await company.until('dbh1 read-only', async () => {
      if ((await db.sql('dbh1', 'SELECT @@global.read_only AS ro'))[0]!.ro === 1) return (readOnlyAt = Date.now());
      return false;
    }, 30_000, 20).catch(async (error: unknown) => {
      // What held it up: the runs (their actions) and what dbh1's server is doing.
      console.log(JSON.stringify(await runs(created.id), null, 1).slice(0, 6000));
      console.log(JSON.stringify(await db.sql('dbh1', 'SHOW PROCESSLIST')));
      throw error;
    });
    await company.until('dbh1 fenced', async () => (await company.gql<{ resource: { fencePending: string[] } }>(`{ resource(id: "${created.id}") { fencePending } }`)).resource.fencePending.length === 0, 20_000, 200);
    const through = writer.acknowledged.length;
    await company.until('writes through the new primary after the fence', async () => writer.acknowledged.length > through + 20, 20_000);
    await writer.stop();
    const accepted = (await db.sql('dbh1', `SELECT COUNT(*) AS n FROM shop.orders WHERE id >= ${firstAfterReturn}`))[0]!.n;
    const [fence] = await runs(created.id);
    console.log(`old primary back: read_only ${((readOnlyAt - backAt) / 1000).toFixed(2)} s after its link came up (fence run: ${fence!.steps[0]!.actions.map((a) => `${a.command.slice(0, 30)} ${a.ms} ms`).join(', ')}); rows it accepted after its return: ${accepted}; ${writer.acknowledged.filter((id) => id >= firstAfterReturn).length} writes acknowledged meanwhile`);
    expect(fence).toMatchObject({ trigger: 'fence', status: 'succeeded' });
    const fenced = fence!.steps[0]!.actions.map((a) => `${a.target.split(' ')[0]}: ${a.command}`);
    expect(fenced.slice(0, 3)).toEqual(['dbh1: SET GLOBAL read_only = ON', `dbh1: ip addr del ${hvip}/24 dev eth0`, `${promoted}: arping -q -U -c 2 -w 2 -I eth0 ${hvip}`]);
    // Then, side by side (recorded as they finish): its boot configuration and its arp_announce.
    expect(fenced.slice(3).sort()).toEqual(['dbh1: my_print_defaults --mysqld', 'dbh1: sysctl net.ipv4.conf.all.arp_announce net/ipv4/conf/eth0/arp_announce']);
    expect(lab.exec('dbh1', ['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).not.toContain(`${hvip}/`);
    // Every write acknowledged after the return is on the new primary: none was acknowledged by dbh1.
    const have = new Set((await db.sql(promoted, `SELECT id FROM shop.orders WHERE id >= ${firstAfterReturn}`)).map((r) => Number(r.id)));
    expect(writer.acknowledged.filter((id) => id >= firstAfterReturn && !have.has(id))).toEqual([]);
    // Nothing reached dbh1 after its return: fenced (read_only, address off, the holder's ARP) before any client's
    // traffic was pulled back to it. Without arp_announce=2 an insert could get there first in about half the runs
    // (docs/runbooks.md, "What remains").
    expect(accepted).toBe(0);
  }, 180_000);

  it('a restarted former primary (read_only=ON in its configuration, its address back as a reboot would bring it) accepts no write when it returns', async () => {
    const { lab, ids } = company;
    for (const name of ['dbr1', 'dbr2', 'dbr3']) await company.addHost(name);
    await db.group('dbr1', ['dbr2', 'dbr3'], 61, {}, { slaveNetTimeout: 'default', readOnlyAtBoot: true });
    const rvip = `${lab.subnet}.116`;
    lab.exec('dbr1', ['ip', 'addr', 'add', `${rvip}/24`, 'dev', 'eth0']);
    const created = await group('restart-db', ['dbr1', 'dbr2', 'dbr3'], { writerAddress: `${rvip}/24` });
    await company.monitorUp('dbr1-mysql');
    const writer = new Writer(rvip);
    writer.start();
    await company.until('writes flowing', async () => writer.acknowledged.length > 30, 20_000);
    writer.mark();
    lab.isolate('dbr1');
    await company.until('a write acknowledged by the new primary', async () => writer.firstAfter !== undefined, 60_000, 20);
    await company.until('the failover run to finish', async () => {
      const [r] = await failoverRuns(created.id);
      return r && r.status === 'succeeded' && r;
    }, 30_000);
    // While away, dbr1 reboots: mysqld restarts from its configuration, the writer address comes back with the host's network configuration.
    await db.kill('dbr1');
    await db.start('dbr1', 61);
    lab.exec('dbr1', ['ip', 'addr', 'replace', `${rvip}/24`, 'dev', 'eth0']);
    expect((await db.sql('dbr1', 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(1);
    const firstAfterReturn = writer.nextId;
    lab.reconnect('dbr1');
    await company.until('dbr1 fenced', async () => (await company.gql<{ resource: { fencePending: string[] } }>(`{ resource(id: "${created.id}") { fencePending } }`)).resource.fencePending.length === 0, 20_000, 200);
    const through = writer.acknowledged.length;
    await company.until('writes through the new primary', async () => writer.acknowledged.length > through + 20, 20_000);
    await writer.stop();
    const accepted = (await db.sql('dbr1', `SELECT COUNT(*) AS n FROM shop.orders WHERE id >= ${firstAfterReturn}`))[0]!.n;
    console.log(`restarted old primary back: rows it accepted after its return: ${accepted}`);
    expect(accepted).toBe(0);
    expect(lab.exec('dbr1', ['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).not.toContain(`${rvip}/`);
    const [fence] = await runs(created.id);
    expect(fence).toMatchObject({ trigger: 'fence', status: 'succeeded' });
    // Its boot configuration passes; what the fence still warns about is the host's arp_announce, left at 0 here.
    expect((await company.gql<{ resource: { members: { hostId: string; warning: string | null }[] } }>(`{ resource(id: "${created.id}") { members { hostId warning } } }`)).resource.members.find((m) => m.hostId === ids.dbr1)!.warning).toMatch(/^arp_announce is 0 on eth0 /);
  }, 180_000);

  it('switchover: a planned primary change under writes, no acknowledged row lost, the old primary follows the new one', async () => {
    const { lab, ids } = company;
    for (const name of ['db7', 'db8', 'db9']) await company.addHost(name);
    await db.group('db7', ['db8', 'db9'], 31);
    const svip = `${lab.subnet}.113`;
    lab.exec('db7', ['ip', 'addr', 'add', `${svip}/24`, 'dev', 'eth0']);
    const created = await group('switch-db', ['db7', 'db8', 'db9'], { writerAddress: `${svip}/24` });
    const switchover = (await company.gql<{ runbooks: { nodes: { id: string; name: string }[] } }>('{ runbooks(first: 50) { nodes { id name } } }')).runbooks.nodes.find((r) => r.name === 'builtin/mysql-switchover')!;
    const writer = new Writer(svip);
    writer.start();
    await company.until('writes flowing', async () => writer.acknowledged.length > 30, 20_000);
    const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${switchover.id}", resourceId: "${created.id}", params: {from: "db7", to: "db8"}}) { id } }`)).startRun;
    const done = await company.until('the switchover', async () => {
      const r = (await runs(created.id)).find((x) => x.id === run.id)!;
      return ['succeeded', 'failed'].includes(r.status) && r;
    }, 30_000);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    const before = writer.acknowledged.length;
    await company.until('writes through the new primary', async () => writer.acknowledged.length > before + 20, 20_000);
    await writer.stop();
    expect((await company.gql<{ resource: { primaryHostId: string; primaryReason: string } }>(`{ resource(id: "${created.id}") { primaryHostId primaryReason } }`)).resource).toMatchObject({ primaryHostId: ids.db8, primaryReason: expect.stringMatching(/^switchover from db7 to db8 \(run .*, manual\)$/) });
    for (const name of ['db8', 'db9', 'db7']) expect(await rowsMissing(name, writer.acknowledged), `rows missing on ${name}`).toEqual([]);
    const [status] = await db.sql('db7', 'SHOW SLAVE STATUS');
    expect(status).toMatchObject({ Master_Host: lab.host('db8').address, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
    expect((await db.sql('db7', 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(1);
    // Checked as a primary (writable: true), the demoted db7 is down with its own reason; db8 is up.
    for (const [name, status] of [['db7', 'down'], ['db8', 'up']] as const) {
      const monitor = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} writable", type: mysql, hostId: "${ids[name]}", config: {user: "${ADMIN.user}", password: "${ADMIN.password}", writable: true}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`,
      )).createMonitor.id;
      const probe = (await company.gql<{ probeNow: { status: string; reason: string } }>(`mutation { probeNow(monitorId: "${monitor}") { status reason } }`)).probeNow;
      expect(probe.status, probe.reason).toBe(status);
      if (status === 'down') expect(probe.reason).toMatch(/read_only=ON, the primary refuses writes/);
    }
  }, 120_000);

  it('fences a crashed primary with the group\'s SSH command (its host still answers), so fencing is confirmed', async () => {
    const { lab, ids } = company;
    for (const name of ['db10', 'db11']) await company.addHost(name);
    await db.group('db10', ['db11'], 41);
    const marker = `${lab.dir}/db10-fenced`;
    const created = await group('ssh-fenced-db', ['db10', 'db11'], { writerAddress: `${lab.subnet}.114/24`, fenceCommand: ['touch', marker] });
    lab.exec('db10', ['ip', 'addr', 'add', `${lab.subnet}.114/24`, 'dev', 'eth0']);
    await company.monitorUp('db10-mysql');
    await db.kill('db10');
    const run = await company.until('the failover', async () => {
      const [r] = await failoverRuns(created.id);
      return r && ['succeeded', 'failed'].includes(r.status) && r;
    }, 40_000, 250);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps[0]!.actions.filter((a) => a.kind === 'ssh')).toEqual([expect.objectContaining({ kind: 'ssh', command: `touch ${marker}`, ok: true })]);
    expect(() => lab.exec('db10', ['test', '-e', marker])).not.toThrow();
    const state = (await company.gql<{ resource: { primaryHostId: string; fencePending: string[] } }>(`{ resource(id: "${created.id}") { primaryHostId fencePending } }`)).resource;
    expect(state).toEqual({ primaryHostId: ids.db11, fencePending: [] });
  }, 120_000);

  it('lagging replica: the only replica lags beyond the threshold, promotion is refused with the reason', async () => {
    await db.group('dbx1', ['dbx2'], 11, { dbx2: 60 });
    await db.sql('dbx1', 'SET GLOBAL rpl_semi_sync_master_enabled = OFF; INSERT INTO shop.orders VALUES (1, "a"), (2, "b")');
    const created = await group('lagging-db', ['dbx1', 'dbx2'], { writerAddress: `${company.lab.subnet}.111/24` });
    await company.monitorUp('dbx1-mysql');
    await db.kill('dbx1');
    const run = await company.until('the refused run', async () => {
      const [r] = await failoverRuns(created.id);
      return r && ['failed', 'succeeded'].includes(r.status) && r;
    }, 60_000, 500);
    expect(run.status).toBe('failed');
    expect(run.steps[0]!.error).toMatch(/promotion refused: no replica is safe to promote \(dbx2: lags \d+ s \(threshold 5 s\)\)|relay log not applied within 5 s/);
    expect((await db.sql('dbx2', 'SELECT @@global.read_only AS ro'))[0]!.ro).toBe(1);
  }, 120_000);
});
