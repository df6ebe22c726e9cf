import { queryAuthoritative } from '#lib/executors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Company } from './support/company.js';
import { type BindServer, type Haproxy, type PowerDns, startBind, startHaproxy, startKeepalived, startPowerDns } from './support/lab-services.js';

interface ResourceState {
  primaryHostId: string;
  primaryReason: string;
  fencePending: string[];
  drained: string[];
  activeRun: { id: string } | null;
}

describe('failover in a lab of network namespaces: real sshd, BIND, HAProxy', () => {
  let company: Company;
  let bind: BindServer;
  let haproxy: Haproxy;
  let pdns: PowerDns;
  let vip: string;

  const resource = (id: string) => company.gql<{ resource: ResourceState }>(`{ resource(id: "${id}") { primaryHostId primaryReason fencePending drained activeRun { id } } }`).then((d) => d.resource);
  const runs = (resourceId: string) => company.runs(resourceId);
  const holdsVip = (host: string) => company.lab.exec(host, ['ip', '-o', 'addr', 'show', 'dev', 'eth0']).includes(` ${vip}/`);

  beforeAll(async () => {
    // Two vantages, quorum 2: the central watchdog and a remote agent must both see a host gone.
    company = await Company.start(['web1', 'web2', 'lb1', 'dns1'], ['web1', 'web2'], {}, { twoVantages: true });
    const { lab } = company;
    vip = `${lab.subnet}.100`;
    bind = await startBind(lab, 'dns1', 'lab.test', { www: lab.host('web1').address });
    pdns = await startPowerDns(lab, 'dns1', 'pdns.test', { www: lab.host('web1').address });
    haproxy = await startHaproxy(lab, 'lb1', ['web1', 'web2'].map((name) => ({ name, address: lab.host(name).address, weight: 10 })));
  }, 120_000);
  afterAll(async () => {
    await company?.stop();
  });

  it('moves www from web1 to web2 with an RFC 2136 update signed by TSIG, verified at the authoritative server', async () => {
    const { lab, ids } = company;
    const created = await company.gql<{ createResource: { id: string; runbookId: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id runbookId } }', {
      i: { name: 'www-dns', kind: 'dns_record', config: { server: bind.address, zone: 'lab.test', name: 'www', type: 'A', ttl: 30, tsigKeyName: bind.keyName, tsigAlgorithm: 'hmac-sha256' }, secrets: { tsigSecret: bind.secret }, members: [{ hostId: ids.web1 }, { hostId: ids.web2 }] },
    });
    const id = created.createResource.id;
    expect(await queryAuthoritative(bind.address, 53, 'www.lab.test', 'A', 1000)).toEqual([lab.host('web1').address]);
    // The dry-run shows the nsupdate script with the key masked.
    const preview = await company.gql<{ dryRunRunbook: { actions: { command: string }[] }[] }>('query($i: DryRunInput!) { dryRunRunbook(input: $i) { actions { command } } }', { i: { runbookId: created.createResource.runbookId, resourceId: id, params: { from: 'web1', to: 'web2' } } });
    expect(preview.dryRunRunbook[0]!.actions[0]!.command).toContain('key hmac-sha256:vigia-key ********');
    expect(preview.dryRunRunbook[0]!.actions[0]!.command).not.toContain(bind.secret);
    const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${created.createResource.runbookId}", resourceId: "${id}", params: {from: "web1", to: "web2"}}) { id } }`)).startRun;
    const done = await company.finished(run.id, 'the DNS run to finish');
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps[0]!.actions.map((a) => [a.kind, a.ok])).toEqual([['local', true], ['dns-query', true]]);
    expect(await queryAuthoritative(bind.address, 53, 'www.lab.test', 'A', 1000)).toEqual([lab.host('web2').address]);
    expect((await resource(id)).primaryHostId).toBe(ids.web2);

    // A wrong key is refused by the server and the run says so.
    await company.gql(`mutation { updateResource(id: "${id}", input: {secrets: {tsigSecret: "${Buffer.alloc(32, 1).toString('base64')}"}}) { id } }`);
    const bad = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${created.createResource.runbookId}", resourceId: "${id}", params: {from: "web2", to: "web1"}}) { id } }`)).startRun;
    const failed = await company.finished(bad.id, 'the bad-key run to finish');
    expect(failed.status).toBe('failed');
    expect(failed.steps[0]!.error).toMatch(/tsig|BADSIG|NOTAUTH|refused/i);
    expect(await queryAuthoritative(bind.address, 53, 'www.lab.test', 'A', 1000)).toEqual([lab.host('web2').address]);

    // nsupdate run on a host over SSH (e.g. one allowed by the server's ACL) instead of on the Vigia machine.
    await company.gql(`mutation { updateResource(id: "${id}", input: {config: {server: "${bind.address}", zone: "lab.test", name: "www", ttl: 30, tsigKeyName: "${bind.keyName}", via: "${ids.web1}"}, secrets: {tsigSecret: "${bind.secret}"}}) { id } }`);
    const via = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${created.createResource.runbookId}", resourceId: "${id}", params: {from: "web2", to: "web1"}}) { id } }`)).startRun;
    const viaDone = await company.finished(via.id, 'the nsupdate-over-SSH run to finish');
    expect(viaDone.status, JSON.stringify(viaDone.steps)).toBe('succeeded');
    expect(viaDone.steps[0]!.actions[0]).toMatchObject({ kind: 'ssh', command: expect.stringMatching(/^nsupdate <<< /) });
    expect(viaDone.steps[0]!.actions[0]!.target).toMatch(/^web1 /);
    expect(await queryAuthoritative(bind.address, 53, 'www.lab.test', 'A', 1000)).toEqual([lab.host('web1').address]);
    await company.gql(`mutation { deleteResource(id: "${id}") }`);
  });

  it('moves www through the PowerDNS HTTP API, verified at the authoritative server', async () => {
    const { lab, ids } = company;
    const created = await company.gql<{ createResource: { id: string; runbookId: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id runbookId } }', {
      i: { name: 'www-pdns', kind: 'dns_record', config: { provider: 'powerdns', server: pdns.address, port: pdns.port, zone: 'pdns.test', name: 'www', ttl: 30, apiUrl: pdns.apiUrl }, secrets: { apiKey: pdns.apiKey }, members: [{ hostId: ids.web1 }, { hostId: ids.web2 }] },
    });
    const id = created.createResource.id;
    expect(await queryAuthoritative(pdns.address, pdns.port, 'www.pdns.test', 'A', 1000)).toEqual([lab.host('web1').address]);
    const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${created.createResource.runbookId}", resourceId: "${id}", params: {to: "web2"}}) { id } }`)).startRun;
    const done = await company.finished(run.id, 'the PowerDNS run to finish');
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps[0]!.actions[0]).toMatchObject({ kind: 'http', exitCode: 204, command: expect.stringMatching(/^PATCH http:\/\/.*\/api\/v1\/servers\/localhost\/zones\/pdns\.test\. .*"changetype":"REPLACE"/) });
    expect(await queryAuthoritative(pdns.address, pdns.port, 'www.pdns.test', 'A', 1000)).toEqual([lab.host('web2').address]);
    expect((await resource(id)).primaryHostId).toBe(ids.web2);
    await company.gql(`mutation { deleteResource(id: "${id}") }`);
  });

  it('hands a hostile parameter to the remote program as one literal argument', async () => {
    const hostile = "; rm -rf / --preserve-root; touch /tmp/vigia-pwned-1 $(touch /tmp/vigia-pwned-2) `touch /tmp/vigia-pwned-3` && echo pwned";
    const runbook = await company.gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: echo-arg\nparams: { value: { type: string } }\nsteps:\n  - name: print\n    type: ssh.exec\n    with: { host: web1, argv: [printf, "<%s>", "{{ params.value }}"] }\n' },
    });
    const run = (await company.gql<{ startRun: { id: string } }>('mutation($i: StartRunInput!) { startRun(input: $i) { id } }', { i: { runbookId: runbook.createRunbook.id, params: { value: hostile } } })).startRun;
    const done = await company.finished(run.id, 'the echo run to finish');
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps[0]!.stdout).toBe(`<${hostile}>`);
    for (const n of [1, 2, 3]) expect(() => company.lab.exec('web1', ['test', '-e', `/tmp/vigia-pwned-${n}`])).toThrow();
  });

  it('reaches a host through its jump host (ssh -J): the connection comes from the bastion', async () => {
    const { lab, ids } = company;
    await company.gql(`mutation { updateHost(id: "${ids.dns1}", input: {sshJumpHostId: "${ids.web2}"}) { id } }`);
    const runbook = await company.gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: who-connects\nsteps:\n  - name: client\n    type: ssh.exec\n    with: { host: dns1, argv: [sh, -c, "echo $SSH_CLIENT"] }\n' },
    });
    const preview = await company.gql<{ dryRunRunbook: { actions: { target: string }[] }[] }>(`{ dryRunRunbook(input: {runbookId: "${runbook.createRunbook.id}"}) { actions { target } } }`);
    expect(preview.dryRunRunbook[0]!.actions[0]!.target).toBe(`dns1 (root@${lab.host('dns1').address}:22 via ${lab.host('web2').address})`);
    const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${runbook.createRunbook.id}"}) { id } }`)).startRun;
    const done = await company.finished(run.id, 'the jump-host run to finish');
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps[0]!.stdout.split(' ')[0]).toBe(lab.host('web2').address);

    // A host whose key is not the pinned one is refused before any command is sent.
    await company.gql(`mutation { updateHost(id: "${ids.dns1}", input: {sshHostKey: "SHA256:${'B'.repeat(43)}"}) { id } }`);
    const refused = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${runbook.createRunbook.id}"}) { id } }`)).startRun;
    const failed = await company.finished(refused.id, 'the run against a changed host key to fail');
    expect(failed.status).toBe('failed');
    expect(failed.steps[0]!.error).toMatch(/host key of .* changed: SHA256:.*, pinned SHA256:B{43}/);
    expect(failed.steps[0]!.stdout).toBe('');
    await company.gql(`mutation { updateHost(id: "${ids.dns1}", input: {sshHostKey: "${lab.host('dns1').hostKeyFingerprint}"}) { id } }`);
  });

  it('web VIP: web1 taken off the network, the VIP answers from web2; web1 back: fenced, then failback per policy', async () => {
    const { lab, ids } = company;
    lab.exec('web1', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    const created = await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'www-vip', kind: 'vip_group', config: { address: `${vip}/24`, interface: 'eth0' }, members: [{ hostId: ids.web1, monitorIds: [ids['web1-http']] }, { hostId: ids.web2, monitorIds: [ids['web2-http']] }], cooldownMinutes: 0, failback: 'auto', failbackHoldSeconds: 2 },
    });
    const id = created.createResource.id;
    ids.vip = id;
    await company.until('the VIP to answer from web1', async () => (await company.answer(vip)) === 'web1');
    await company.until('both web monitors up, from both vantages', async () => {
      const d = await company.gql<{ monitors: { nodes: { state: { health: string; vantages: { verdict: string }[] } | null }[] } }>('{ monitors { nodes { state { health vantages { verdict } } } } }');
      return d.monitors.nodes.every((m) => m.state?.health === 'up' && m.state.vantages.filter((v) => v.verdict === 'up').length === 2);
    });

    const started = Date.now();
    lab.isolate('web1');
    const seconds = ((await company.firstAnswer(vip, 'web2', 20_000)) - started) / 1000;
    console.log(`web VIP failover: ${seconds.toFixed(2)} s from web1 off the network to the first good answer on the VIP`);
    expect(seconds).toBeLessThan(10);
    const state = await company.until('the run to finish', async () => {
      const r = await resource(id);
      return !r.activeRun && r.primaryHostId === ids.web2 && r.fencePending.includes(ids.web1) && r;
    });
    expect(state.primaryReason).toMatch(/moved to web2 \(run .*incident\)/);
    // The incident that moved it was confirmed by both vantages (quorum 2), not by one place's opinion.
    const [incident] = (await company.gql<{ incidents: { nodes: { timeline: { message: string }[] }[] } }>(`{ incidents(filter: {monitorId: "${ids['web1-http']}"}) { nodes { timeline { message } } } }`)).incidents.nodes;
    expect(incident!.timeline[0]!.message).toMatch(/down: 2 of 2 vantages confirm it \(quorum 2\) — central: down since .*; lab-agent: down since/);
    const [failover] = await runs(id);
    expect(failover).toMatchObject({ status: 'succeeded', trigger: 'incident', runbookName: 'builtin/web-vip-failover' });
    const move = failover!.steps[0]!;
    // Fencing the unreachable web1 runs beside the takeover (the policy does not require it), so it may end last.
    expect(move.actions.map((a) => [a.target.split(' ')[0], a.command.split(' ').slice(0, 3).join(' '), a.ok]).sort()).toEqual([
      ['web1', 'ip addr del', false],
      ['web2', 'ip addr replace', true],
    ]);
    expect(move.actions.find((a) => a.ok)!.command).toBe(`ip addr replace ${vip}/24 dev eth0 && arping -q -U -c 2 -w 2 -I eth0 ${vip}`);
    expect(holdsVip('web2')).toBe(true);

    // web1 returns still holding the VIP: Vigia takes it off first, then (failback: auto, 2 s hold) moves the VIP back.
    lab.reconnect('web1');
    await company.until('failback to web1', async () => {
      const r = await resource(id);
      return !r.activeRun && r.primaryHostId === ids.web1 && r.fencePending.length === 0 && (await company.answer(vip)) === 'web1';
    }, 30_000);
    const triggers = (await runs(id)).map((r) => `${r.trigger}:${r.status}`);
    expect(triggers.slice(0, 2)).toEqual(['failback:succeeded', 'fence:succeeded']);
    expect([holdsVip('web1'), holdsVip('web2')]).toEqual([true, false]);

    // With failback "stay", the VIP remains on web2 after web1 returns; web1 is fenced and left alone.
    await company.gql(`mutation { updateResource(id: "${id}", input: {failback: stay}) { id } }`);
    lab.isolate('web1');
    await company.until('the VIP to answer from web2 again', async () => (await company.answer(vip)) === 'web2', 20_000, 50);
    lab.reconnect('web1');
    await company.until('web1 fenced on return', async () => {
      const r = await resource(id);
      return !r.activeRun && r.fencePending.length === 0 && !holdsVip('web1');
    }, 30_000);
    await new Promise((r) => setTimeout(r, 4000));
    expect((await resource(id)).primaryHostId).toBe(ids.web2);
    expect(await company.answer(vip)).toBe('web2');
    expect([holdsVip('web1'), holdsVip('web2')]).toEqual([false, true]);

    // "Require confirmed fencing": web2 (the holder) vanishes; it cannot be fenced, so the run asks an operator
    // instead of risking the VIP on two hosts. Approving (the operator made sure web2 is down) completes it.
    await company.gql(`mutation { updateResource(id: "${id}", input: {requireFencing: true}) { id } }`);
    lab.isolate('web2');
    const paused = await company.until('the run to pause for approval', async () => {
      const r = (await runs(id))[0]!;
      return r.status === 'waiting_approval' && r;
    }, 20_000);
    expect(paused.statusReason).toMatch(/fencing of web2 could not be confirmed/);
    expect(holdsVip('web1')).toBe(false);
    await company.gql(`mutation { approveRun(id: "${paused.id}") { id } }`);
    await company.until('the VIP to answer from web1 after approval', async () => (await company.answer(vip)) === 'web1', 20_000, 50);
    const approved = await company.until('the approved run to finish', async () => {
      const r = (await runs(id)).find((x) => x.id === paused.id)!;
      return r.status === 'succeeded' && r;
    });
    expect(approved.steps[0]!.status).toBe('succeeded');
    expect((await resource(id)).fencePending).toEqual([ids.web2]);
    lab.reconnect('web2');
    await company.until('web2 fenced on return', async () => {
      const r = await resource(id);
      return !r.activeRun && r.fencePending.length === 0 && !holdsVip('web2');
    }, 30_000);
    await company.gql(`mutation { deleteResource(id: "${id}") }`);
  }, 120_000);

  it('keepalived mode: Vigia moves the VIP by changing VRRP priorities; keepalived moves the address', async () => {
    const { lab, ids } = company;
    const kvip = `${lab.subnet}.101`;
    await startKeepalived(lab, { web1: 150, web2: 100 }, `${kvip}/24`, 51);
    await company.firstAnswer(kvip, 'web1', 20_000);
    const created = await company.gql<{ createResource: { id: string; runbookId: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id runbookId } }', {
      i: { name: 'www-vrrp', kind: 'vip_group', config: { address: `${kvip}/24`, interface: 'eth0', mode: 'keepalived', demoteWeight: -100 }, members: [{ hostId: ids.web1 }, { hostId: ids.web2 }], cooldownMinutes: 0 },
    });
    const id = created.createResource.id;
    const move = async (from: string, to: string) => {
      const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${created.createResource.runbookId}", resourceId: "${id}", params: {from: "${from}", to: "${to}"}}) { id } }`)).startRun;
      return company.finished(run.id, `the keepalived move to ${to}`, 30_000);
    };
    const there = await move('web1', 'web2');
    expect(there.status, JSON.stringify(there.steps)).toBe('succeeded');
    expect(there.steps[0]!.actions.map((a) => a.command).sort()).toEqual([
      `tee /etc/keepalived/vigia-weight && sh -c 'for i in $(seq 50); do ip -o addr show dev "$1" | grep -qF " $2/" && exit 0; sleep 0.2; done; echo "$2 did not appear on $1" >&2; exit 1' vigia-wait-vip eth0 ${kvip} <<< "0"`,
      'tee /etc/keepalived/vigia-weight <<< "-100"',
    ]);
    expect(await company.answer(kvip)).toBe('web2');
    expect((await resource(id)).primaryHostId).toBe(ids.web2);
    const back = await move('web2', 'web1');
    expect(back.status, JSON.stringify(back.steps)).toBe('succeeded');
    expect(await company.answer(kvip)).toBe('web1');
    await company.gql(`mutation { deleteResource(id: "${id}") }`);
  });

  it('pool: web1 stops serving, Vigia drains it in HAProxy, no request fails after; restored once it recovers', async () => {
    const { lab, ids } = company;
    // Fresh monitors: the VIP test's outages count towards flap damping on the old ones (which holds runbooks).
    for (const name of ['web1', 'web2']) {
      ids[`${name}-pool`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} pool http", type: http, hostId: "${ids[name]}", config: {url: "http://${lab.host(name).address}/"}, intervalMs: 1000, timeoutMs: 400}) { id } }`,
      )).createMonitor.id;
    }
    const created = await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'www-pool', kind: 'lb_pool', config: { driver: 'haproxy', runtimeApi: haproxy.runtimeApi, backend: 'web' }, members: [{ hostId: ids.web1, monitorIds: [ids['web1-pool']], weight: 10 }, { hostId: ids.web2, monitorIds: [ids['web2-pool']], weight: 10 }], cooldownMinutes: 0, failbackHoldSeconds: 1 },
    });
    const id = created.createResource.id;
    await company.until('the new monitors up', async () => {
      const d = await company.gql<{ monitors: { nodes: { name: string; state: { health: string } | null }[] } }>('{ monitors { nodes { name state { health } } } }');
      return d.monitors.nodes.filter((m) => m.name.includes('pool')).every((m) => m.state?.health === 'up');
    });
    const backend = async () => (await fetch(`http://${haproxy.address}/`, { signal: AbortSignal.timeout(2000) }).then((r) => (r.ok ? r.text() : `HTTP ${r.status}`)).catch((e: Error) => `error ${e.message}`));
    await company.stopWeb('web1');
    const state = await company.until('web1 drained', async () => {
      const r = await resource(id);
      return !r.activeRun && r.drained.includes(ids.web1) && r;
    }, 30_000);
    expect(state.drained).toEqual([ids.web1]);
    const [drain] = await runs(id);
    expect(drain).toMatchObject({ status: 'succeeded', trigger: 'incident', runbookName: 'builtin/pool-member-out' });
    expect(drain!.steps[0]!.actions.map((a) => a.command)).toEqual(['set server web/web1 state maint', 'show servers state web']);
    const answers: string[] = [];
    for (let i = 0; i < 100; i++) answers.push(await backend());
    expect(answers.filter((a) => a !== 'web2')).toEqual([]);

    await company.startWeb('web1');
    await company.until('web1 restored', async () => {
      const r = await resource(id);
      return !r.activeRun && r.drained.length === 0;
    }, 30_000);
    const [restore] = await runs(id);
    expect(restore).toMatchObject({ status: 'succeeded', trigger: 'recovery', runbookName: 'builtin/pool-member-in' });
    expect(restore!.steps[0]!.actions.map((a) => a.command)).toEqual(['set weight web/web1 10', 'set server web/web1 state ready', 'show servers state web']);
    const seen = await company.until('web1 serving through HAProxy again', async () => {
      const batch: string[] = [];
      for (let i = 0; i < 10; i++) batch.push(await backend());
      return batch.includes('web1') && batch;
    }, 15_000, 200);
    expect(seen.every((a) => a === 'web1' || a === 'web2')).toBe(true);
  }, 120_000);
});
