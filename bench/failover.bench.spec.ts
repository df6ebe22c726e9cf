/**
 * npm run bench:failover  (root; Debian openssh-server, iproute2, iputils-arping — as .ci/run installs)
 *
 * Web VIP failover in the network-namespace lab, at 1 s probes: web1 is taken off the network (link down) while a
 * client polls the VIP every 50 ms; the time to the first good answer from web2 is one trial. Between trials web1
 * comes back, is fenced (it still holds the VIP) and the VIP fails back to it (policy auto, 2 s hold), so every trial
 * starts from the same state. Prints each trial with its breakdown and the median and worst. Bounded: TRIALS trials
 * (default 10), each given at most 30 s (90 s with FLAKY=1).
 *
 * VANTAGES=2: a remote agent in a lab host of its own probes beside the central watchdog, and the tenant's default
 * quorum is 2 (issue 14's "web VIP failover with two vantages"): web1 is down only when both confirm it.
 *
 * FLAKY=1: the same host and monitors are taken down trial after trial, as a real flaky server would be. From the
 * third loss in ten minutes the monitor is flapping and the failover is held until web1 has been down steadily for
 * the resource's `flapStableSeconds` (default 60; FLAP_STABLE_SECONDS=n to vary) — then it happens, and pages.
 */
import { DataSource } from 'typeorm';
import { expect, it } from 'vitest';
import { Company } from '../test/system/support/company.js';
import { firstFailures } from './verdict-reason.js';

const TRIALS = Number(process.env.TRIALS ?? 10);
const TIMEOUT_MS = Number(process.env.PROBE_TIMEOUT_MS ?? 300);
const FLAKY = process.env.FLAKY === '1';
const TWO_VANTAGES = process.env.VANTAGES === '2';
const FLAP_STABLE = process.env.FLAP_STABLE_SECONDS ? { flapStableSeconds: Number(process.env.FLAP_STABLE_SECONDS) } : {};

interface RunRow {
  trigger: string;
  status: string;
  createdAt: string;
  startedAt: string;
  steps: { name: string; startedAt: string; actions: { target: string; command: string; ms: number; ok: boolean }[] }[];
}

const VARIANT = `${FLAKY ? ', the same flaky host every trial' : ''}${TWO_VANTAGES ? ', two vantages (quorum 2)' : ''}`;

it(`web VIP failover, ${TRIALS} trials${VARIANT}`, async () => {
  const company = await Company.start(['web1', 'web2'], [], {}, { twoVantages: TWO_VANTAGES });
  try {
    const { lab, ids } = company;
    for (const name of ['web1', 'web2']) {
      await company.startWeb(name);
      ids[`${name}-http`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} http", type: http, hostId: "${ids[name]}", config: {url: "http://${lab.host(name).address}/"}, intervalMs: 1000, timeoutMs: ${TIMEOUT_MS}}) { id } }`,
      )).createMonitor.id;
    }
    const vip = `${lab.subnet}.100`;
    lab.exec('web1', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    const id = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'www-vip', kind: 'vip_group', config: { address: `${vip}/24`, interface: 'eth0', ...FLAP_STABLE }, members: [{ hostId: ids.web1, monitorIds: [ids['web1-http']] }, { hostId: ids.web2, monitorIds: [ids['web2-http']] }], cooldownMinutes: 0, failback: 'auto', failbackHoldSeconds: 2 },
    })).createResource.id;
    // Flap damping would (rightly) hold runbooks after a few outages of one monitor within 10 min; each trial gets
    // fresh monitors so every trial is a first outage.
    const results: number[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      await company.until('web1 primary and answering', async () => {
        const r = await company.gql<{ resource: { primaryHostId: string; activeRun: { id: string } | null; fencePending: string[] } }>(`{ resource(id: "${id}") { primaryHostId fencePending activeRun { id } } }`);
        return r.resource.primaryHostId === ids.web1 && !r.resource.activeRun && r.resource.fencePending.length === 0 && (await company.answer(vip)) === 'web1';
      }, 60_000, 200);
      await company.until('monitors up', async () => {
        const d = await company.gql<{ monitors: { nodes: { enabled: boolean; state: { health: string; flapping: boolean; vantages: { verdict: string }[] } | null }[] } }>('{ monitors { nodes { enabled state { health flapping vantages { verdict } } } } }');
        // With two vantages, up from both: a trial must not start while the agent has not yet probed a fresh monitor.
        return d.monitors.nodes.filter((m) => m.enabled).every((m) => m.state?.health === 'up' && (FLAKY || !m.state.flapping)
          && m.state.vantages.filter((v) => v.verdict === 'up').length === (TWO_VANTAGES ? 2 : 1));
      }, 60_000, 200);
      // Start at a random point of the probe cycle, as a real failure would.
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      const killedAt = Date.now();
      lab.isolate('web1');
      const answered = company.firstAnswer(vip, 'web2', FLAKY ? 90_000 : 30_000);
      const seconds = ((await answered) - killedAt) / 1000;
      results.push(seconds);
      const run = await company.until('the run to finish', async () => {
        const runs = await company.gql<{ runs: { nodes: RunRow[] } }>(`{ runs(filter: {resourceId: "${id}"}, first: 1) { nodes { trigger status createdAt startedAt steps { name startedAt actions { target command ms ok } } } } }`);
        const last = runs.runs.nodes[0];
        return last && last.status !== 'running' && last.status !== 'pending' && last;
      }, 30_000, 200);
      const rel = (iso: string) => ((new Date(iso).getTime() - killedAt) / 1000).toFixed(2);
      const move = run.steps[0]!;
      const actions = move.actions.map((a) => `${a.target.split(' ')[0]} ${a.command.split(' ').slice(0, 3).join(' ')} ${a.ms} ms${a.ok ? '' : ' (failed)'}`).join(', ');
      // Each vantage's first failure, from the verdict ("<vantage>: down since <instant>"; with two vantages).
      const [change] = (await company.gql<{ stateChanges: { nodes: { at: string; toHealth: string; reason: string }[] } }>(`{ stateChanges(monitorId: "${ids['web1-http']}", first: 5) { nodes { at toHealth reason } } }`)).stateChanges.nodes.filter((c) => c.toHealth === 'down' && new Date(c.at).getTime() > killedAt);
      const firsts = change ? firstFailures(change.reason, killedAt) : '';
      // The incident's commit (its outbox row, PostgreSQL's clock on this machine): between the decision and the run.
      const committed = (await company.api.app.get(DataSource).query(
        "SELECT min(o.created_at) AS at FROM incident_outbox o JOIN incidents i ON i.id = o.incident_id WHERE i.monitor_id = $1 AND o.kind = 'opened' AND o.created_at >= $2", [ids['web1-http'], new Date(killedAt)],
      ) as { at: Date | null }[])[0]?.at;
      // A change's `at` is when its deciding probe started (a result's time is its start); the incident follows its end.
      const decided = change ? `${firsts ? `first failures ${firsts} s, ` : ''}deciding probe started +${rel(change.at)} s, incident committed +${committed ? rel(committed.toISOString()) : '?'} s, ` : '';
      console.log(`trial ${trial}: ${seconds.toFixed(2)} s | ${decided}run queued at +${rel(run.createdAt)} s, started +${rel(run.startedAt)} s, move step +${rel(move.startedAt)} s | ${actions}`);
      lab.reconnect('web1');
      if (FLAKY) continue;
      // Each trial a new pair of monitors, so flap damping never holds the failover.
      await company.gql(`mutation { updateMonitor(id: "${ids['web1-http']}", input: {enabled: false}) { id } }`);
      ids['web1-http'] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "web1 http ${trial}", type: http, hostId: "${ids.web1}", config: {url: "http://${lab.host('web1').address}/"}, intervalMs: 1000, timeoutMs: ${TIMEOUT_MS}}) { id } }`,
      )).createMonitor.id;
      await company.gql('mutation($id: ID!, $i: ResourceInput!) { updateResource(id: $id, input: $i) { id } }', { id, i: { members: [{ hostId: ids.web1, monitorIds: [ids['web1-http']] }, { hostId: ids.web2, monitorIds: [ids['web2-http']] }] } });
    }
    const sorted = [...results].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    console.log(`web VIP failover${VARIANT} at 1 s probes (timeout ${TIMEOUT_MS} ms, ${process.env.VIGIA_DETECT_FAILURES ?? 3} failures to down): ${TRIALS} trials, median ${median.toFixed(2)} s, worst ${sorted.at(-1)!.toFixed(2)} s, best ${sorted[0]!.toFixed(2)} s (target: ${TWO_VANTAGES ? "median ≤ 2 s, worst ≤ 3 s (issue 14)" : "median ≤ 3 s, worst ≤ 5 s"})`);
    expect(results).toHaveLength(TRIALS);
  } finally {
    await company.stop();
  }
});
