/** Where a VM of a dead hypervisor may start: capacity (host tag `capacity-mb=N`) and anti-affinity tags. Pure. */
export interface Hypervisor {
  hostId: string;
  name: string;
  tags: string[];
  healthy: boolean;
}

export interface PlacedVm {
  resourceId: string;
  hostId: string | null;
  memoryMb: number;
  antiAffinity?: string;
}

export function capacityOf(tags: string[]): number | undefined {
  const tag = tags.find((t) => t.startsWith('capacity-mb='));
  return tag ? Number(tag.slice('capacity-mb='.length)) : undefined;
}

/** The first hypervisor in preference order that is healthy, has room and runs no VM of the same anti-affinity group. */
export function placeVm(vm: PlacedVm, candidates: Hypervisor[], placed: PlacedVm[]): { hostId: string } | { refused: string } {
  const reasons: string[] = [];
  for (const h of candidates) {
    if (h.hostId === vm.hostId) continue;
    if (!h.healthy) {
      reasons.push(`${h.name}: down`);
      continue;
    }
    const others = placed.filter((p) => p.hostId === h.hostId && p.resourceId !== vm.resourceId);
    const capacity = capacityOf(h.tags);
    const used = others.reduce((sum, p) => sum + p.memoryMb, 0);
    if (capacity !== undefined && used + vm.memoryMb > capacity) {
      reasons.push(`${h.name}: ${used} + ${vm.memoryMb} MiB > ${capacity} MiB`);
      continue;
    }
    if (vm.antiAffinity && others.some((p) => p.antiAffinity === vm.antiAffinity)) {
      reasons.push(`${h.name}: already runs a VM of anti-affinity group ${vm.antiAffinity}`);
      continue;
    }
    return { hostId: h.hostId };
  }
  return { refused: `no hypervisor can take it (${reasons.join('; ') || 'no other members'})` };
}
