import { testSshKey } from './support/ssh-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentsService } from '#lib/incidents';
import { FailoverReconciler } from '#lib/runbooks';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { type Hit, RecordingServer, type Reply } from './support/recording-server.js';

/**
 * The lab has no hypervisor: the Proxmox adapter is tested against a local server that answers with exchanges
 * recorded from the Proxmox VE API documentation (a task UPID for start/migrate, then the task status, "running"
 * once and "stopped"/"OK" after). It checks every request as Proxmox would: path, token header, form body.
 */
class RecordedProxmox extends RecordingServer {
  private readonly polls = new Map<string, number>();
  constructor() {
    super((hit) => this.answer(hit));
  }

  private answer(hit: Hit): Reply {
    const json = (data: unknown, status = 200): Reply => ({ status, body: JSON.stringify({ data }) });
    if (hit.headers.authorization !== 'PVEAPIToken=vigia@pve!failover=0b1f2c3d-aaaa-bbbb-cccc-0123456789ab') return json(null, 401);
    const task = /^\/api2\/json\/nodes\/([^/]+)\/qemu\/(\d+)\/(migrate|status\/start)$/.exec(hit.path);
    if (hit.method === 'POST' && task) return json(`UPID:${task[1]}:0001A2B3:0C4D5E6F:6560A1B2:${task[3] === 'migrate' ? 'qmigrate' : 'qmstart'}:${task[2]}:vigia@pve!failover:`);
    const status = /^\/api2\/json\/nodes\/[^/]+\/tasks\/([^/]+)\/status$/.exec(hit.path);
    if (hit.method === 'GET' && status) {
      const n = (this.polls.get(status[1]!) ?? 0) + 1;
      this.polls.set(status[1]!, n);
      return json(n === 1 ? { status: 'running', upid: decodeURIComponent(status[1]!) } : { status: 'stopped', exitstatus: 'OK', upid: decodeURIComponent(status[1]!) });
    }
    return json(null, 501);
  }
}

describe('VM recovery: Proxmox VE API adapter (recorded exchanges), libvirt commands, placement', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  const pve = new RecordedProxmox();
  const ids: Record<string, string> = {};
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const finished = (runId: string) =>
    eventually(`run ${runId} to finish`, async () => {
      const { run } = await gql<{ run: { status: string; steps: { error: string | null; actions: { command: string; ok: boolean; note: string | null }[] }[] } }>(`{ run(id: "${runId}") { status steps { error actions { command ok note } } } }`);
      return !['pending', 'running'].includes(run.status) && run;
    });

  beforeAll(async () => {
    await pve.start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog' });
    const t = await api.tenant('vms');
    token = t.token;
    tenantId = t.tenantId;
    for (const [name, tags] of [['pve1', ''], ['pve2', '"capacity-mb=4096"'], ['pve3', '"capacity-mb=65536"']]) {
      ids[name!] = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["127.0.0.1"], tags: [${tags}]}) { id } }`)).createHost.id;
      ids[`${name}-mon`] = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name} ping", type: icmp, hostId: "${ids[name!]}", config: {}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`)).createMonitor.id;
    }
    const created = await gql<{ createResource: { id: string; runbookId: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id runbookId } }', {
      i: { name: 'shop-vm', kind: 'vm', config: { driver: 'proxmox', vmid: 101, apiUrl: pve.url, memoryMb: 8192 }, secrets: { apiToken: 'vigia@pve!failover=0b1f2c3d-aaaa-bbbb-cccc-0123456789ab' }, members: [{ hostId: ids.pve1 }, { hostId: ids.pve2 }, { hostId: ids.pve3 }], cooldownMinutes: 0 },
    });
    ids.vm = created.createResource.id;
    ids.recovery = created.createResource.runbookId;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await pve.stop();
  });

  it('migrates through the API and follows the task until it is done', async () => {
    const book = (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: move-vm\nparams: { to: { type: host } }\nsteps:\n  - { name: migrate, type: vm.migrate, with: { from: pve1, to: "{{ params.to }}" } }\n' },
    })).createRunbook.id;
    const preview = await gql<{ dryRunRunbook: { actions: { command: string }[] }[] }>(`{ dryRunRunbook(input: {runbookId: "${book}", resourceId: "${ids.vm}", params: {to: "pve3"}}) { actions { command } } }`);
    expect(preview.dryRunRunbook[0]!.actions[0]!.command).toBe(`POST ${pve.url}/api2/json/nodes/pve1/qemu/101/migrate target=pve3&online=1`);
    const run = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}", resourceId: "${ids.vm}", params: {to: "pve3"}}) { id } }`)).startRun.id;
    const done = await finished(run);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(done.steps[0]!.actions[0]!.note).toBe('task OK');
    const migrate = pve.hits.find((h) => h.path.endsWith('/migrate'))!;
    expect(migrate).toMatchObject({ method: 'POST', path: '/api2/json/nodes/pve1/qemu/101/migrate', body: 'target=pve3&online=1' });
    expect(pve.hits.filter((h) => h.path.includes('/tasks/')).length).toBe(2);
    expect((await gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${ids.vm}") { primaryHostId } }`)).resource.primaryHostId).toBe(ids.pve3);
    await gql(`mutation { updateResource(id: "${ids.vm}", input: {primaryHostId: "${ids.pve1}"}) { id } }`);
  });

  it("restarts a dead hypervisor's VM on the first member with room (capacity) through the API", async () => {
    const incident = (await api.app.get(IncidentsService).open({ id: ids['pve1-mon']!, tenantId, hostId: ids.pve1!, serviceId: null, name: 'pve1 ping' }, new Date(), 'no reply', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(FailoverReconciler).incidentChanged(incident, true);
    const { runs } = await gql<{ runs: { nodes: { id: string; trigger: string; params: Record<string, string> }[] } }>(`{ runs(filter: {resourceId: "${ids.vm}"}, first: 1) { nodes { id trigger params } } }`);
    // pve2 has 4096 MiB for an 8192 MiB VM: pve3 is chosen.
    expect(runs.nodes[0]).toMatchObject({ trigger: 'incident', params: { from: ids.pve1, to: ids.pve3 } });
    const done = await finished(runs.nodes[0]!.id);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(pve.hits.some((h) => h.method === 'POST' && h.path === '/api2/json/nodes/pve3/qemu/101/status/start')).toBe(true);
    expect((await gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${ids.vm}") { primaryHostId } }`)).resource.primaryHostId).toBe(ids.pve3);
  });

  it('never restarts a VM on a hypervisor inside a maintenance window: the decision names the window', async () => {
    for (const [name, tags] of [['kvm1', ''], ['kvm2', ''], ['kvm3', '"capacity-mb=4096"']]) {
      ids[name!] = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["127.0.0.1"], tags: [${tags}]}) { id } }`)).createHost.id;
      ids[`${name}-mon`] = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name} ping", type: icmp, hostId: "${ids[name!]}", config: {}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`)).createMonitor.id;
    }
    const vm = (await gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'mail-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'mail-vm', memoryMb: 8192 }, members: [{ hostId: ids.kvm1 }, { hostId: ids.kvm2 }, { hostId: ids.kvm3 }], cooldownMinutes: 0 },
    })).createResource.id;
    // A daily window whose first occurrence was yesterday: only the calendar's expansion puts kvm2 inside it now.
    const yesterday = Date.now() - 86_400_000 - 60_000;
    await gql('mutation($i: MaintenanceWindowInput!) { createMaintenanceWindow(input: $i) { id } }', { i: { name: 'kernel update', startsAt: new Date(yesterday).toISOString(), endsAt: new Date(yesterday + 3_600_000).toISOString(), recurrence: 'FREQ=DAILY', timeZone: 'UTC', hostIds: [ids.kvm2] } });
    const incident = (await api.app.get(IncidentsService).open({ id: ids['kvm1-mon']!, tenantId, hostId: ids.kvm1!, serviceId: null, name: 'kvm1 ping' }, new Date(), 'no reply', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(FailoverReconciler).incidentChanged(incident, true);
    const { resource } = await gql<{ resource: { decision: string | null; primaryHostId: string } }>(`{ resource(id: "${vm}") { decision primaryHostId } }`);
    expect(resource).toEqual({ decision: 'VM not restarted: no hypervisor can take it (kvm2: in maintenance (kernel update); kvm3: 0 + 8192 MB > capacity 4096)', primaryHostId: ids.kvm1 });
    const { runs } = await gql<{ runs: { nodes: unknown[] } }>(`{ runs(filter: {resourceId: "${vm}"}) { nodes { id } } }`);
    expect(runs.nodes).toEqual([]);
    // Nor by hand: a runbook naming kvm2 is refused when planned, the field and the window named.
    const pveVm = (await gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'pve-on-kvm', kind: 'vm', config: { driver: 'proxmox', vmid: 102, apiUrl: pve.url }, secrets: { apiToken: 'vigia@pve!failover=0b1f2c3d-aaaa-bbbb-cccc-0123456789ab' }, members: [{ hostId: ids.kvm1 }, { hostId: ids.kvm2 }] },
    })).createResource.id;
    const refused = await api.gql('query($i: DryRunInput!) { dryRunRunbook(input: $i) { name } }', { i: { source: 'name: k\nsteps:\n  - { name: s, type: vm.restart, with: { on: kvm2 } }\n', resourceId: pveVm } }, token);
    expect([refused.errors?.[0]?.extensions?.field, refused.errors?.[0]?.message]).toEqual(['steps[0].with.on', 'steps[0].with.on: kvm2 is in a maintenance window (kernel update): no VM is started on it']);
    const allowed = await api.gql('query($i: DryRunInput!) { dryRunRunbook(input: $i) { name } }', { i: { source: 'name: k\nsteps:\n  - { name: s, type: vm.restart, with: { on: kvm1 } }\n', resourceId: pveVm } }, token);
    expect(allowed.errors).toBeUndefined();
    await gql(`mutation { deleteResource(id: "${pveVm}") }`);
  });

  it('a wrong token is refused by the API and the run says so', async () => {
    await gql(`mutation { updateResource(id: "${ids.vm}", input: {secrets: {apiToken: "vigia@pve!failover=wrong"}}) { id } }`);
    const book = (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: start-vm\nsteps:\n  - { name: start, type: vm.restart, with: { on: pve2 } }\n' },
    })).createRunbook.id;
    const done = await finished((await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}", resourceId: "${ids.vm}"}) { id } }`)).startRun.id);
    expect(done.status).toBe('failed');
    expect(done.steps[0]!.error).toMatch(/HTTP 401/);
  });

  it('previews the libvirt commands: define from shared storage and start, or a live migration', async () => {
    const before = await api.gql(`query($i: DryRunInput!) { dryRunRunbook(input: $i) { name } }`, { i: { source: 'name: k\nsteps:\n  - { name: s, type: vm.restart, with: { on: pve2 } }\n', resourceId: ids.vm } }, token);
    expect(before.errors).toBeUndefined(); // the Proxmox driver needs no SSH
    const created = await gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'kvm-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'shop-vm', xmlPath: '/srv/vm/shop-vm.xml', storagePath: '/srv/vm' }, members: [{ hostId: ids.pve1 }, { hostId: ids.pve2 }] },
    });
    const source = 'name: kvm\nsteps:\n  - { name: start, type: vm.restart, with: { on: pve2 } }\n  - { name: move, type: vm.migrate, with: { from: pve2, to: pve1 } }\n';
    const res = await api.gql(`query($i: DryRunInput!) { dryRunRunbook(input: $i) { actions { command } } }`, { i: { source, resourceId: created.createResource.id } }, token);
    // The hosts have no SSH access yet: refused with the field named, as an operator would need to fix it.
    expect(res.errors?.[0]?.extensions?.field).toBe('steps[0].with.on');
    expect(res.errors?.[0]?.message).toMatch(/pve2 has no SSH credential/);
    const key = (await gql<{ createSshCredential: { id: string } }>('mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id } }', { i: { name: 'kvm', privateKey: testSshKey() } })).createSshCredential.id;
    for (const host of ['pve1', 'pve2']) await gql(`mutation { updateHost(id: "${ids[host]}", input: {sshCredentialId: "${key}", sshHostKey: "SHA256:${'C'.repeat(43)}"}) { id } }`);
    const preview = await gql<{ dryRunRunbook: { actions: { target: string; command: string }[] }[] }>(`query($i: DryRunInput!) { dryRunRunbook(input: $i) { actions { target command } } }`, { i: { source, resourceId: created.createResource.id } });
    expect(preview.dryRunRunbook.map((s) => s.actions.map((a) => `${a.target.split(' ')[0]}: ${a.command}`))).toEqual([
      ['pve2: cat -- /srv/vm/shop-vm.xml', 'pve2: virsh define /srv/vm/shop-vm.xml && virsh start shop-vm'],
      // The target's libvirt checked first (under its pinned key, and the VM not already running there), then verified.
      ['pve1: virsh domstate shop-vm', 'pve2: virsh migrate --live --persistent --undefinesource shop-vm qemu+ssh://127.0.0.1/system', 'pve1: virsh domstate shop-vm'],
    ]);
  });

  it("refuses a storage path that is, contains or lies inside another tenant's; the same tenant's VMs may share one", async () => {
    // Tenant "vms" has kvm-vm on /srv/vm (the test before). Another tenant, its own hypervisor:
    const other = await api.tenant('other-hoster');
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "kvm9", addresses: ["127.0.0.1"]}) { id } }', {}, other.token)).createHost.id;
    const create = (name: string, storagePath: string) => api.gql('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', { i: { name, kind: 'vm', config: { driver: 'libvirt', domain: name, xmlPath: `${storagePath}/${name}.xml`, storagePath }, members: [{ hostId: host }] } }, other.token);
    for (const path of ['/srv/vm', '/srv/vm/', '/srv', '/srv/vm/tenant2', '/srv/x/../vm']) {
      const refused = await create('theirs', path);
      expect([refused.errors?.[0]?.extensions?.field, refused.errors?.[0]?.message], path).toEqual(['input.config.storagePath', "input.config.storagePath: overlaps the storagePath of another tenant's vm resource: each tenant needs a folder of its own"]);
    }
    expect((await api.ok<{ resources: { nodes: unknown[] } }>('{ resources { nodes { id } } }', {}, other.token)).resources.nodes).toEqual([]);
    expect((await create('theirs', '/srv/vm2')).errors).toBeUndefined();
    // Updating into another tenant's folder is refused too; the owner's second VM in its own folder is not.
    const mine = await gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', { i: { name: 'kvm-vm2', kind: 'vm', config: { driver: 'libvirt', domain: 'kvm-vm2', xmlPath: '/srv/vm/kvm-vm2.xml', storagePath: '/srv/vm' }, members: [{ hostId: ids.pve1 }] } });
    const moved = await api.gql(`mutation($c: JSONObject!) { updateResource(id: "${mine.createResource.id}", input: {config: $c}) { id } }`, { c: { driver: 'libvirt', domain: 'kvm-vm2', xmlPath: '/srv/vm2/kvm-vm2.xml', storagePath: '/srv/vm2' } }, token);
    expect(moved.errors?.[0]?.extensions?.field).toBe('input.config.storagePath');
    await gql(`mutation { deleteResource(id: "${mine.createResource.id}") }`);
    // Two tenants claiming one new folder at the same instant: exactly one gets it (the check and the save under one
    // lock), five times over.
    const mineOn = (name: string, storagePath: string) => api.gql('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', { i: { name, kind: 'vm', config: { driver: 'libvirt', domain: name, xmlPath: `${storagePath}/${name}.xml`, storagePath }, members: [{ hostId: ids.pve1 }] } }, token);
    for (let round = 0; round < 5; round += 1) {
      const both = await Promise.all([create(`race-${round}`, `/srv/race${round}`), mineOn(`race-${round}`, `/srv/race${round}`)]);
      expect(both.filter((r) => r.errors === undefined), `round ${round}`).toHaveLength(1);
    }
  });

  it('refuses a libvirt VM whose XML is not inside its storage path, or has no storage path, naming the field', async () => {
    const create = (config: Record<string, unknown>) => api.gql('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', { i: { name: 'bad-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'bad', ...config }, members: [{ hostId: ids.pve1 }] } }, token);
    const outside = await create({ xmlPath: '/srv/other/bad.xml', storagePath: '/srv/vm' });
    expect([outside.errors?.[0]?.extensions?.field, outside.errors?.[0]?.message]).toEqual(['input.config.xmlPath', expect.stringContaining('must be on the shared storage path /srv/vm')]);
    const climbing = await create({ xmlPath: '/srv/vm/../other/bad.xml', storagePath: '/srv/vm' });
    expect(climbing.errors?.[0]?.extensions?.field).toBe('input.config.xmlPath');
    const none = await create({ xmlPath: '/srv/vm/bad.xml' });
    expect([none.errors?.[0]?.extensions?.field, none.errors?.[0]?.message]).toEqual(['input.config.storagePath', expect.stringContaining('is required with xmlPath')]);
    expect((await gql<{ resources: { nodes: { name: string }[] } }>('{ resources { nodes { name } } }')).resources.nodes.map((r) => r.name)).not.toContain('bad-vm');
  });
});
