import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Company, type Run } from './support/company.js';
import { type Guest, Hypervisors } from './support/hypervisors.js';

/**
 * Real VMs: three libvirt hypervisors in the lab (each its own network and mount namespace, libvirtd and sshd), a
 * guest booted from the shared storage path answering its name and boot id. Vigia drives libvirt only through its SSH
 * executor with pinned host keys. One lab for the whole file (a guest boot costs seconds of CPU on a shared
 * machine); the cases build on each other in order: vm-a moves hv1 → hv2 live; hv2 is drained (vm-a to hv1, vm-b to
 * hv3); vm-a is lost with hv1 and restarted on hv3 (hv2 is full); hv1 comes back with its stale definition.
 */
describe('VM recovery with real libvirt hypervisors in the lab', () => {
  let company: Company;
  let hv: Hypervisors;
  let guest: Guest;
  let vmId = '';
  let moveRunbook = '';
  let bootId = '';

  const resource = async () => (await company.gql<{ resource: { primaryHostId: string; primaryReason: string; primarySince: string; fencePending: string[] } }>(
    `{ resource(id: "${vmId}") { primaryHostId primaryReason primarySince fencePending } }`,
  )).resource;
  const move = async (to: string): Promise<Run> => {
    const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${moveRunbook}", resourceId: "${vmId}", params: {to: "${to}"}, force: true}) { id } }`)).startRun;
    return company.finished(run.id, `the migration to ${to}`, 240_000);
  };
  /** Every 100 ms, what the guest answers; the longest stretch without an answer and the boot ids seen. */
  const watchHttp = () => {
    const seen = new Set<string>();
    let last = Date.now();
    let gap = 0;
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const answer = await hv.ask(guest, 400);
        const now = Date.now();
        if (answer) {
          gap = Math.max(gap, now - last);
          last = now;
          seen.add(answer.bootId);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
      return { gapMs: Math.max(gap, Date.now() - last), bootIds: [...seen] };
    };
  };

  beforeAll(async () => {
    company = await Company.start(['hv1', 'hv2', 'hv3'], []);
    hv = await Hypervisors.start(company, ['hv1', 'hv2', 'hv3']);
    const { ids } = company;
    for (const name of ['hv1', 'hv2', 'hv3']) {
      ids[`${name}-ssh`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} ssh port", type: tcp, hostId: "${ids[name]}", config: {port: 22}, intervalMs: 1000, timeoutMs: 400}) { id } }`,
      )).createMonitor.id;
    }
    guest = hv.addGuest('vm-a', 1);
    bootId = await hv.startGuest('hv1', guest, 120_000);
    vmId = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'vm-a', kind: 'vm', config: { driver: 'libvirt', domain: 'vm-a', xmlPath: guest.xmlPath, storagePath: hv.shared, memoryMb: 512, unsafeMigration: true }, members: [{ hostId: ids.hv1 }, { hostId: ids.hv2 }, { hostId: ids.hv3 }], cooldownMinutes: 0 },
    })).createResource.id;
    moveRunbook = (await company.gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: vm-move\nparams: { to: { type: host } }\nsteps:\n  - name: move\n    type: vm.migrate\n    with: { to: "{{ params.to }}" }\n' },
    })).createRunbook.id;
    await company.until('the hypervisors monitored up', async () => {
      const d = await company.gql<{ monitors: { nodes: { state: { health: string } | null }[] } }>('{ monitors { nodes { state { health } } } }');
      return d.monitors.nodes.every((m) => m.state?.health === 'up');
    });
  }, 240_000);
  afterAll(async () => {
    await company?.stop();
  }, 120_000);

  it('migrates the running guest live hv1 → hv2 over SSH: same boot id, the HTTP gap measured, undefined on hv1', async () => {
    const disks = hv.watchDisks();
    const http = watchHttp();
    const started = Date.now();
    const run = await move('hv2');
    const took = Date.now() - started;
    const { gapMs, bootIds } = await http();
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(run.steps[0]!.actions.map((a) => [a.target.split(' ')[0], a.command, a.ok])).toEqual([
      ['hv2', 'virsh domstate vm-a', true],
      ['hv1', `virsh migrate --live --persistent --undefinesource --unsafe vm-a qemu+ssh://${company.lab.host('hv2').address}/system`, true],
      ['hv2', 'virsh domstate vm-a', true],
    ]);
    console.log(`live migration: run ${took} ms, longest HTTP gap ${gapMs} ms (load ${(await import('node:os')).loadavg()[0]!.toFixed(2)})`);
    expect(bootIds).toEqual([bootId]);
    expect((await hv.waitServing(guest)).bootId).toBe(bootId);
    expect([hv.running('hv1'), hv.running('hv2'), hv.defined('hv1')]).toEqual([[], ['vm-a'], []]);
    // Pre-copy: the source and the target have the disk open while memory is copied, never both writing; the
    // lock decides. Afterwards only the target holds it.
    disks.stop();
    expect(Hypervisors.openers(guest.disk)).toHaveLength(1);
    expect(await resource()).toMatchObject({ primaryHostId: company.ids.hv2, primaryReason: expect.stringContaining('VM migrated from hv1 to hv2') });
  }, 300_000);

  it('refuses a migration to the host the VM runs on, and one to a hypervisor whose SSH host key changed', async () => {
    const same = await company.gqlError(`mutation { startRun(input: {runbookId: "${moveRunbook}", resourceId: "${vmId}", params: {to: "hv2"}, force: true}) { id } }`);
    expect(same).toMatchObject({ message: 'steps[0].with.to: is the host the VM runs on now (hv2)', extensions: { code: 'VALIDATION_FAILED', field: 'steps[0].with.to' } });
    expect(await company.runs(vmId)).toHaveLength(1);

    await hv.rekey('hv3');
    const changed = await move('hv3');
    expect(changed.status).toBe('failed');
    expect(changed.statusReason).toMatch(/refused before moving anything: hv3's libvirt could not be checked \(host key of .* changed/);
    expect(changed.steps[0]!.actions.map((a) => a.command)).toEqual(['virsh domstate vm-a']);
    expect([hv.running('hv2'), hv.running('hv3')]).toEqual([['vm-a'], []]);
    expect((await hv.waitServing(guest, 15_000)).bootId).toBe(bootId);
    // The operator checks the new key and pins it (Vigia and the other hypervisors).
    const fingerprint = company.lab.exec('hv3', ['ssh-keygen', '-l', '-E', 'sha256', '-f', `${company.lab.dir}/hv3/host_ed25519.pub`]).split(' ')[1]!;
    await company.gql(`mutation { updateHost(id: "${company.ids.hv3}", input: {sshHostKey: "${fingerprint}"}) { id } }`);
    hv.writeKnownHosts();
  }, 300_000);

  it('drains hv2 with a runbook: its two VMs migrate one at a time, kept apart (anti-affinity), each answers on its new host, then hv2 is in maintenance', async () => {
    const { ids } = company;
    const other = hv.addGuest('vm-b', 2);
    const otherBoot = await hv.startGuest('hv2', other, 180_000);
    const vmB = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'vm-b', kind: 'vm', config: { driver: 'libvirt', domain: 'vm-b', xmlPath: other.xmlPath, storagePath: hv.shared, memoryMb: 512, unsafeMigration: true, checkUrl: `http://${other.address}/`, antiAffinity: 'web' }, members: [{ hostId: ids.hv2 }, { hostId: ids.hv1 }, { hostId: ids.hv3 }], cooldownMinutes: 0 },
    })).createResource.id;
    await company.gql(`mutation($c: JSONObject!) { updateResource(id: "${vmId}", input: {config: $c}) { id } }`, { c: { driver: 'libvirt', domain: 'vm-a', xmlPath: guest.xmlPath, storagePath: hv.shared, memoryMb: 512, unsafeMigration: true, checkUrl: `http://${guest.address}/`, antiAffinity: 'web' } });
    const drain = (await company.gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: drain-hypervisor\nparams: { host: { type: host } }\nsteps:\n  - name: drain\n    type: vm.drain\n    with: { host: "{{ params.host }}", maintenanceHours: 2 }\n' },
    })).createRunbook.id;
    const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${drain}", params: {host: "hv2"}}) { id } }`)).startRun;
    const done = await company.finished(run.id, 'the drain of hv2', 480_000);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    const a2 = company.lab.host('hv1').address;
    const a3 = company.lab.host('hv3').address;
    expect(done.steps[0]!.actions.map((a) => [a.target.split(' ')[0], a.command, a.ok])).toEqual([
      ['vm-a', 'placement: hv1 chosen', true],
      ['hv1', 'virsh domstate vm-a', true],
      ['hv2', `virsh migrate --live --persistent --undefinesource --unsafe vm-a qemu+ssh://${a2}/system`, true],
      ['hv1', 'virsh domstate vm-a', true],
      ['vm-a', `until it answers, every 500 ms, within 60000 ms`, true],
      // vm-b prefers hv1, but vm-a (same anti-affinity group) has just moved there: placed as if it already had.
      ['vm-b', 'placement: hv1: already runs a VM of anti-affinity group web; hv3 chosen', true],
      ['hv3', 'virsh domstate vm-b', true],
      ['hv2', `virsh migrate --live --persistent --undefinesource --unsafe vm-b qemu+ssh://${a3}/system`, true],
      ['hv3', 'virsh domstate vm-b', true],
      ['vm-b', `until it answers, every 500 ms, within 60000 ms`, true],
      ['hv2', 'hv2 in maintenance for 2 h', true],
    ]);
    expect([hv.running('hv1'), hv.running('hv2'), hv.running('hv3')]).toEqual([['vm-a'], [], ['vm-b']]);
    expect([(await hv.waitServing(guest, 15_000)).bootId, (await hv.waitServing(other, 15_000)).bootId]).toEqual([bootId, otherBoot]);
    const placed = await company.gql<{ a: { primaryHostId: string; primaryReason: string }; b: { primaryHostId: string } }>(`{ a: resource(id: "${vmId}") { primaryHostId primaryReason } b: resource(id: "${vmB}") { primaryHostId } }`);
    expect(placed).toEqual({ a: { primaryHostId: ids.hv1, primaryReason: expect.stringContaining('VM migrated from hv2 to hv1 (drain of hv2)') }, b: { primaryHostId: ids.hv3 } });
    const windows = await company.gql<{ maintenanceWindows: { nodes: { name: string; hostIds: string[] }[] } }>('{ maintenanceWindows { nodes { name hostIds } } }');
    expect(windows.maintenanceWindows.nodes).toEqual([{ name: `drain of hv2 (run ${run.id})`, hostIds: [ids.hv2] }]);
    // vm-b has served its purpose: stopped, so the rest of the file runs one guest.
    hv.virsh('hv3', ['destroy', 'vm-b']);
    hv.virsh('hv3', ['undefine', 'vm-b']);
    hv.guests.delete('vm-b');
    await company.gql(`mutation { deleteResource(id: "${vmB}") }`);
  }, 600_000);

  it('hv1 dies: the guest starts on hv3 (hv2 is full, said on the timeline) with a new boot id; fencing not confirmed, stated on the run', async () => {
    const { ids, lab } = company;
    // hv2's maintenance (the drain's window) is over — a hypervisor inside a window is never chosen — but it has
    // 6144 MB and a 6000 MB VM on record: no room for vm-a's 512 MB.
    const windows = await company.gql<{ maintenanceWindows: { nodes: { id: string }[] } }>('{ maintenanceWindows { nodes { id } } }');
    for (const w of windows.maintenanceWindows.nodes) await company.gql(`mutation { deleteMaintenanceWindow(id: "${w.id}") }`);
    await company.gql(`mutation { updateHost(id: "${ids.hv2}", input: {tags: ["capacity-mb=6144"]}) { id } }`);
    await company.gql('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'db-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'db-vm', memoryMb: 6000 }, members: [{ hostId: ids.hv2 }], cooldownMinutes: 0 },
    });
    const disks = hv.watchDisks();
    const lostAt = Date.now();
    lab.crash('hv1');
    const run = await company.until('the recovery run to finish', async () => {
      const r = (await company.runs(vmId)).find((x) => x.runbookName === 'builtin/vm-recovery');
      return r && ['succeeded', 'failed'].includes(r.status) && r;
    }, 90_000, 250);
    const answer = await hv.waitServing(guest, 90_000, bootId);
    console.log(`hypervisor lost → guest serving again: ${Date.now() - lostAt} ms (load ${(await import('node:os')).loadavg()[0]!.toFixed(2)})`);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', trigger: 'incident' });
    const actions = run.steps[0]!.actions;
    expect(actions.map((a) => [a.target.split(' ')[0], a.kind, a.ok])).toEqual([['hv3', 'ssh', true], ['hv1', 'ssh', false], ['hv1', 'notify', false], ['hv3', 'ssh', true]]);
    expect(actions[0]!.command).toBe(`cat -- ${guest.xmlPath}`);
    expect(actions[2]!.command).toMatch(/^fencing not confirmed on hv1 \(.+\); relying on the disk's storage lock/);
    expect(actions[3]!.command).toBe(`virsh define ${guest.xmlPath} && virsh start vm-a`);
    expect(answer).toEqual({ name: 'vm-a', bootId: expect.not.stringMatching(bootId) });
    bootId = answer.bootId;
    expect(hv.running('hv3')).toEqual(['vm-a']);
    expect(disks.stop()['vm-a']).toBe(1);
    expect(await resource()).toMatchObject({ primaryHostId: ids.hv3, fencePending: [ids.hv1], primaryReason: expect.stringContaining('after hv1 was lost (fencing not confirmed') });
    const incidents = await company.gql<{ incidents: { nodes: { timeline: { message: string }[] }[] } }>(`{ incidents(filter: {monitorId: "${ids['hv1-ssh']}"}) { nodes { timeline { message } } } }`);
    expect(incidents.incidents.nodes[0]!.timeline.map((e) => e.message)).toContainEqual(expect.stringContaining('placement: hv2: 6000 + 512 MB > capacity 6144; hv3 chosen'));
  }, 300_000);

  it('hv1 returns with its stale definition: undefined there, never started; exactly one copy runs, the disk never opened twice', async () => {
    const disks = hv.watchDisks();
    company.lab.reconnect('hv1');
    await hv.boot('hv1');
    const fence = await company.until('the fencing run of hv1', async () => {
      const r = (await company.runs(vmId)).find((x) => x.trigger === 'fence');
      return r && ['succeeded', 'failed'].includes(r.status) && r;
    }, 180_000, 250);
    expect(fence.status, JSON.stringify(fence)).toBe('succeeded');
    expect(fence.steps[0]!.actions.map((a) => [a.target.split(' ')[0], a.command, a.ok])).toEqual([['hv1', 'virsh destroy vm-a', true], ['hv1', 'virsh undefine vm-a', true]]);
    expect([hv.defined('hv1'), hv.running('hv3')]).toEqual([[], ['vm-a']]);
    expect((await resource()).fencePending).toEqual([]);
    // Still the same guest (a loaded machine may answer slowly: waited for, bounded).
    expect((await hv.waitServing(guest, 15_000)).bootId).toBe(bootId);
    expect(disks.stop()['vm-a']).toBe(1);
  }, 300_000);

  it("a hypervisor that answers but whose libvirt does not: fencing unconfirmed, the policy decides and the run says so", async () => {
    const { ids } = company;
    hv.stopLibvirt('hv3');
    const disks = hv.watchDisks();
    const recovery = (await company.gql<{ resource: { runbookId: string } }>(`{ resource(id: "${vmId}") { runbookId } }`)).resource.runbookId;
    const start = async () => (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${recovery}", resourceId: "${vmId}", params: {from: "hv3", to: "hv1"}, force: true}) { id } }`)).startRun.id;

    // requireFencing: the run waits for a person.
    await company.gql(`mutation { updateResource(id: "${vmId}", input: {requireFencing: true}) { id } }`);
    const runId = await start();
    const held = await company.until('the run to wait for an operator', async () => {
      const r = (await company.runs(vmId)).find((x) => x.id === runId);
      return r && r.status === 'waiting_approval' && r;
    }, 60_000, 250);
    expect(held.statusReason).toMatch(/^hv3 could not be fenced \(.*failed to connect/);
    await company.gql(`mutation { abortRun(id: "${runId}") { id } }`);

    // Without it: the storage lock decides; the copy still running on hv3 holds the disk, so hv1 cannot start one.
    await company.gql(`mutation { updateResource(id: "${vmId}", input: {requireFencing: false}) { id } }`);
    const locked = await company.finished(await start(), 'the run relying on the storage lock', 120_000);
    expect(locked.status).toBe('failed');
    expect(locked.steps[0]!.actions.find((a) => a.kind === 'notify')?.command).toMatch(/relying on the disk's storage lock/);
    expect(locked.statusReason).toContain('its disk is locked');
    expect([hv.running('hv1'), hv.defined('hv1')]).toEqual([[], []]);
    expect((await hv.waitServing(guest, 15_000)).bootId).toBe(bootId);
    expect(disks.stop()['vm-a']).toBe(1);
    expect((await resource()).primaryHostId).toBe(ids.hv3);
  }, 300_000);

  it("refuses a domain XML naming another tenant's disk before doing anything, and one outside the storage path at save", async () => {
    const { ids } = company;
    const outside = await company.gqlError('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'stray-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'stray', xmlPath: '/etc/libvirt/qemu/stray.xml', storagePath: hv.shared }, members: [{ hostId: ids.hv1 }] },
    });
    expect(outside).toMatchObject({ message: expect.stringContaining(`must be on the shared storage path ${hv.shared}`), extensions: { field: 'input.config.xmlPath' } });
    // The XML on the shared path, but its disk is someone else's.
    const hostile = `${hv.shared}/hostile.xml`;
    writeFileSync(hostile, readFileSync(guest.xmlPath, 'utf8').replace(guest.disk, '/var/lib/other-tenant/disk.qcow2'));
    const id = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'hostile-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'vm-a', xmlPath: hostile, storagePath: hv.shared }, members: [{ hostId: ids.hv1 }, { hostId: ids.hv2 }] },
    })).createResource.id;
    const recovery = (await company.gql<{ resource: { runbookId: string } }>(`{ resource(id: "${id}") { runbookId } }`)).resource.runbookId;
    const started = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${recovery}", resourceId: "${id}", params: {from: "hv1", to: "hv2"}, force: true}) { id } }`)).startRun;
    const run = await company.finished(started.id, 'the refused restart', 60_000);
    expect(run.status).toBe('failed');
    expect(run.statusReason).toContain(`the domain XML ${hostile} names "/var/lib/other-tenant/disk.qcow2", outside the shared storage path ${hv.shared}: nothing done`);
    expect(run.steps[0]!.actions.map((a) => a.command)).toEqual([`cat -- ${hostile}`]);
    expect([hv.defined('hv1'), hv.defined('hv2')]).toEqual([[], []]);
  }, 120_000);
});
