/**
 * npm run bench:mysql-failover  (root; Debian mariadb-server, openssh-server, iproute2, iputils-arping — as .ci/run installs)
 *
 * MySQL failover in the network-namespace lab: per trial a fresh MariaDB group (a primary and two GTID replicas,
 * semi-synchronous, AFTER_SYNC, MariaDB's default slave_net_timeout of 60 s), the writer VIP on the primary, a client
 * inserting through the VIP and keeping every acknowledged id. FAULT=host-loss (default): the primary's link goes
 * down (its host vanishes: no reset, no goodbye; the replicas' hosts must confirm); FAULT=crash: its mariadbd is
 * SIGKILLed (the host answers, connections are refused). The trial's figure is the time to the first insert the new
 * primary acknowledges; then every acknowledged id is looked for on the new primary. Prints each trial, the median
 * and worst, and the rows lost in all. Bounded: TRIALS trials (default 5), each at most 60 s to fail over.
 */
import { expect, it } from 'vitest';
import { Company } from '../test/system/support/company.js';
import { ADMIN, LabMariaDb, REPL, Writer } from '../test/system/support/lab-mariadb.js';

const TRIALS = Number(process.env.TRIALS ?? 5);
const FAULT = process.env.FAULT === 'crash' ? 'crash' : 'host-loss';

it(`MySQL failover (${FAULT}), ${TRIALS} trials`, async () => {
  const company = await Company.start([], []);
  try {
    const { lab, ids } = company;
    const db = new LabMariaDb(lab);
    const results: number[] = [];
    let lost = 0;
    for (let trial = 1; trial <= TRIALS; trial++) {
      const names = ['a', 'b', 'c'].map((x) => `m${trial}${x}`);
      for (const name of names) await company.addHost(name);
      await db.group(names[0]!, names.slice(1), trial * 10, {}, { slaveNetTimeout: 'default', readOnlyAtBoot: true });
      const vip = `${lab.subnet}.${200 + trial}`;
      lab.exec(names[0]!, ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
      for (const name of names) {
        ids[`${name}-mysql`] = (await company.gql<{ createMonitor: { id: string } }>(
          `mutation { createMonitor(input: {name: "${name} mysql", type: mysql, hostId: "${ids[name]}", config: {user: "${ADMIN.user}", password: "${ADMIN.password}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
        )).createMonitor.id;
      }
      const resource = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
        i: {
          name: `shop-${trial}`, kind: 'mysql_group', config: { port: 3306, replUser: REPL.user, maxLagSeconds: 5, confirmSeconds: 15, writerAddress: `${vip}/24`, writerInterface: 'eth0' },
          secrets: { user: ADMIN.user, password: ADMIN.password, replPassword: REPL.password }, members: names.map((n) => ({ hostId: ids[n], monitorIds: [ids[`${n}-mysql`]] })), cooldownMinutes: 0,
        },
      })).createResource.id;
      await company.until('the primary monitored up', async () => {
        const d = await company.gql<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${ids[`${names[0]}-mysql`]}") { state { health } } }`);
        return d.monitor.state?.health === 'up';
      });
      const writer = new Writer(vip);
      writer.start();
      await company.until('writes flowing', async () => writer.acknowledged.length > 30, 20_000);
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      const killedAt = Date.now();
      if (FAULT === 'crash') await db.kill(names[0]!);
      else lab.isolate(names[0]!);
      // After the fault: every insert sent from here on can only be acknowledged by a new primary.
      writer.mark();
      await company.until('a write acknowledged by the new primary', async () => writer.firstAfter !== undefined, 60_000, 20);
      const seconds = (writer.firstAfter! - killedAt) / 1000;
      results.push(seconds);
      await new Promise((r) => setTimeout(r, 500));
      await writer.stop();
      const primary = (await company.gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${resource}") { primaryHostId } }`)).resource.primaryHostId;
      const name = names.find((n) => ids[n] === primary)!;
      const have = new Set((await db.sql(name, 'SELECT id FROM shop.orders')).map((r) => Number(r.id)));
      const missing = writer.acknowledged.filter((id) => !have.has(id)).length;
      lost += missing;
      console.log(`trial ${trial}: ${seconds.toFixed(2)} s to a writable new primary (${name}); ${writer.acknowledged.length} rows acknowledged, ${missing} missing on it`);
      // Done with this group: its servers stop (the isolated one too: its process is local), its members go away.
      for (const n of names) await db.kill(n);
      await company.until('the run to end', async () => (await company.gql<{ resource: { activeRun: { id: string } | null } }>(`{ resource(id: "${resource}") { activeRun { id } } }`)).resource.activeRun === null, 30_000);
      await company.gql(`mutation { deleteResource(id: "${resource}") }`);
    }
    const sorted = [...results].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const what = FAULT === 'crash' ? 'mariadbd SIGKILLed' : "primary's link down, slave_net_timeout 60 s";
    console.log(`MySQL failover (${what}, 1 s probes, replicas' hosts confirming): ${TRIALS} trials, median ${median.toFixed(2)} s, best ${sorted[0]!.toFixed(2)} s, worst ${sorted.at(-1)!.toFixed(2)} s; acknowledged rows lost: ${lost} (target: median ≤ 5 s, 0 lost)`);
    expect(results).toHaveLength(TRIALS);
  } finally {
    await company.stop();
  }
});
