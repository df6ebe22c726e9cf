import { flag, httpUrl, matching, oneOf } from '#lib/common';
import { within } from '../vm-domain-xml.js';
import { placeVm, type Hypervisor } from '../vm-placement.js';
import { judgeMember } from './member-health.js';
import { absolutePath, intRange } from './resource-fields.js';
import { defineResourceKind, type DownOutcome, type PrimaryDown } from './resource-kind.js';

export const vmKind = defineResourceKind({
  type: 'vm',
  description: 'A virtual machine (libvirt or Proxmox) restarted on another hypervisor when the one running it dies',
  config: {
    driver: oneOf(['libvirt', 'proxmox'], { message: 'must be libvirt or proxmox' }),
    domain: matching(/^(?!-)[A-Za-z0-9_.-]{1,64}$/, 'a libvirt domain name (not starting with -)').optional(),
    vmid: intRange(100, 999_999_999).optional(),
    xmlPath: absolutePath('an absolute path to the domain XML on shared storage').optional(),
    /** The shared storage folder of this VM: its XML, and every file the XML names, must be inside it. */
    storagePath: absolutePath('an absolute path to the shared storage folder').optional(),
    apiUrl: httpUrl('must be an http(s) URL').optional(),
    memoryMb: intRange(1, 16_777_216).optional(),
    antiAffinity: matching(/^(?!-)[A-Za-z0-9_.:=-]{1,63}$/, 'a tag (not starting with -)').optional(),
    virsh: absolutePath('an absolute path to virsh').optional(),
    unsafeMigration: flag().optional(),
    /** What answers when the VM serves (a drain checks it on the new host before moving the next). */
    checkUrl: httpUrl('must be an http(s) URL').optional(),
  },
  members: { are: 'The hypervisors that may run it, in preference order: the first runs it at creation', value: 'Proxmox node name (empty: the host name)' },
  secrets: ['apiToken'],
  check(config) {
    const need = config.driver === 'proxmox' ? ['vmid', 'apiUrl'] : ['domain'];
    for (const key of need) if (config[key] === undefined) return [key, `is required for a ${String(config.driver)} VM`];
    if (typeof config.xmlPath === 'string') {
      if (typeof config.storagePath !== 'string') return ['storagePath', 'is required with xmlPath: the shared storage folder holding the domain XML and every file it names'];
      if (!within(config.xmlPath, config.storagePath)) return ['xmlPath', `must be on the shared storage path ${config.storagePath}`];
    }
    return undefined;
  },
  runbooks: { failure: 'builtin/vm-recovery' },
  onMemberDown: restartElsewhere,
  onMemberBack: 'failback',
  // A hypervisor that was lost keeps the VM's definition: undefined when it returns, never started.
  fenceReturning: { method: 'vm' },
  // Another tenant's XML and disks live in its folder: a VM whose folder overlaps it could name them.
  tenantOwnFolder: 'storagePath',
});

/** A dead hypervisor's VM goes to the first healthy member with room and no VM of its anti-affinity group. */
async function restartElsewhere({ resource, member, onMembers, memberHealth, memberHosts, sameKind, inMaintenance, say }: PrimaryDown): Promise<DownOutcome> {
  const [hosts, maintenance, health] = await Promise.all([memberHosts(), inMaintenance(), memberHealth()]);
  const judged = resource.members.map((m) => {
    const host = hosts.find((h) => h.id === m.hostId);
    const { fitness, why } = judgeMember(m, onMembers, health);
    const candidate: Hypervisor = { hostId: m.hostId, name: host?.name ?? m.hostId, tags: host?.tags ?? [], healthy: !!host && m.hostId !== member.hostId && fitness !== 'unfit', unhealthy: why, maintenance: maintenance.get(m.hostId) };
    return { candidate, fitness };
  });
  // Fit hypervisors first (in preference order), then doubtful ones (seen failing from fewer vantages than the quorum).
  const candidates = [...judged.filter((j) => j.fitness !== 'doubtful'), ...judged.filter((j) => j.fitness === 'doubtful')].map((j) => j.candidate);
  const vms = await sameKind();
  const placed = vms.map((v) => ({ resourceId: v.id, hostId: v.primaryHostId, memoryMb: Number(v.config.memoryMb ?? 0), antiAffinity: v.config.antiAffinity as string | undefined }));
  const target = placeVm(placed.find((p) => p.resourceId === resource.id)!, candidates, placed);
  if ('refused' in target) return { kind: 'vm_refused', text: `VM not restarted: ${target.refused}`, page: true };
  const doubt = judged.find((j) => j.candidate.hostId === target.hostId && j.fitness === 'doubtful');
  await say(`placement: ${target.decision}${doubt ? ` (no hypervisor is fully healthy: ${doubt.candidate.name} ${doubt.candidate.unhealthy})` : ''}`);
  return { start: { from: member.hostId, to: target.hostId } };
}
