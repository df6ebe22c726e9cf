import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Company } from './support/company.js';


/**
 * The lab has no hypervisor. Each lab hypervisor gets a `virsh` that replays what libvirt answers (recorded from
 * virsh 9 on Debian) and logs the arguments it was called with; everything else is real: the hypervisor's loss, the
 * incident, placement, the run, SSH with pinned keys, the quoting.
 */
const RECORDED_VIRSH = `#!/bin/sh
printf '%s\\n' "$*" >> "$(dirname "$0")/virsh-$(hostname -I | cut -d' ' -f1).log"
case "$1" in
  define) echo "Domain 'shop-vm' defined from $2" ;;
  start) echo "Domain 'shop-vm' started" ;;
  destroy) echo "Domain 'shop-vm' destroyed" ;;
  *) echo "error: unknown command '$1'" >&2; exit 1 ;;
esac
`;

describe('VM recovery in the lab: a dead hypervisor, its VM started elsewhere with libvirt over SSH', () => {
  let company: Company;
  let virsh = '';

  beforeAll(async () => {
    company = await Company.start(['hv1', 'hv2', 'hv3'], []);
    virsh = join(company.lab.dir, 'virsh');
    writeFileSync(virsh, RECORDED_VIRSH);
    chmodSync(virsh, 0o755);
  }, 120_000);
  afterAll(async () => {
    await company?.stop();
  });

  it("hv1 vanishes; its VM is defined and started on hv3 (hv2 is full), hv1's fencing recorded as not confirmed", async () => {
    const { lab, ids } = company;
    await company.gql(`mutation { updateHost(id: "${ids.hv2}", input: {tags: ["capacity-mb=2048"]}) { id } }`);
    for (const name of ['hv1', 'hv2', 'hv3']) {
      ids[`${name}-ssh`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} ssh port", type: tcp, hostId: "${ids[name]}", config: {port: 22}, intervalMs: 1000, timeoutMs: 400}) { id } }`,
      )).createMonitor.id;
    }
    const created = await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'shop-vm', kind: 'vm', config: { driver: 'libvirt', domain: 'shop-vm', xmlPath: '/srv/vm/shop-vm.xml', memoryMb: 4096, virsh }, members: [{ hostId: ids.hv1 }, { hostId: ids.hv2 }, { hostId: ids.hv3 }], cooldownMinutes: 0 },
    });
    await company.until('the hypervisors monitored up', async () => {
      const d = await company.gql<{ monitors: { nodes: { state: { health: string } | null }[] } }>('{ monitors { nodes { state { health } } } }');
      return d.monitors.nodes.every((m) => m.state?.health === 'up');
    });
    lab.isolate('hv1');
    const run = await company.until('the recovery run to finish', async () => {
      const [r] = await company.runs(created.createResource.id);
      return r && ['succeeded', 'failed'].includes(r.status) && r;
    }, 40_000, 250);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', trigger: 'incident', runbookName: 'builtin/vm-recovery' });
    expect(run.steps[0]!.actions.map((a) => [a.target.split(' ')[0], a.command.replaceAll(virsh, 'virsh'), a.ok])).toEqual([
      ['hv1', 'virsh destroy shop-vm', false],
      ['hv3', 'virsh define /srv/vm/shop-vm.xml && virsh start shop-vm', true],
    ]);
    expect(run.steps[0]!.stdout).toContain("Domain 'shop-vm' started");
    expect(readFileSync(join(lab.dir, `virsh-${lab.host('hv3').address}.log`), 'utf8')).toBe('define /srv/vm/shop-vm.xml\nstart shop-vm\n');
    const state = (await company.gql<{ resource: { primaryHostId: string; fencePending: string[] } }>(`{ resource(id: "${created.createResource.id}") { primaryHostId fencePending } }`)).resource;
    expect(state).toEqual({ primaryHostId: ids.hv3, fencePending: [ids.hv1] });
    lab.reconnect('hv1');
  }, 90_000);
});
