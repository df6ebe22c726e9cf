/** Where a VM of a dead hypervisor may start: capacity (host tag `capacity-mb=N`) and anti-affinity tags. Pure. */
export interface Hypervisor {
  hostId: string;
  name: string;
  tags: string[];
  healthy: boolean;
  /** Why it is not healthy, in words ("has an open incident", "nobody can see it now (…)"); "down" when not said. */
  unhealthy?: string;
  /** The maintenance window the host is in now (its name): never a place to start or move a VM to. */
  maintenance?: string;
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

/** Where the VM goes and why, in one line for the incident's timeline ("hv2: 6000 + 512 MB > capacity 6144; hv3 chosen"). */
export type Placement = { hostId: string; decision: string } | { refused: string };

/**
 * The first hypervisor in preference order that is healthy, not in a maintenance window, has room and runs no VM of the same anti-affinity group,
 * with the reasons the ones before it were passed over. A VM larger than every member's capacity is refused as such.
 */
export function placeVm(vm: PlacedVm, candidates: Hypervisor[], placed: PlacedVm[]): Placement {
  const capacities = candidates.map((h) => capacityOf(h.tags));
  if (candidates.length && capacities.every((c) => c !== undefined && vm.memoryMb > c)) {
    return { refused: `its memory (${vm.memoryMb} MB) exceeds the capacity of every member (largest ${Math.max(...(capacities as number[]))} MB)` };
  }
  const reasons: string[] = [];
  for (const h of candidates) {
    if (h.hostId === vm.hostId) continue;
    if (!h.healthy) {
      reasons.push(`${h.name}: ${h.unhealthy ?? 'down'}`);
      continue;
    }
    if (h.maintenance !== undefined) {
      reasons.push(`${h.name}: in maintenance (${h.maintenance})`);
      continue;
    }
    const others = placed.filter((p) => p.hostId === h.hostId && p.resourceId !== vm.resourceId);
    const capacity = capacityOf(h.tags);
    const used = others.reduce((sum, p) => sum + p.memoryMb, 0);
    if (capacity !== undefined && used + vm.memoryMb > capacity) {
      reasons.push(`${h.name}: ${used} + ${vm.memoryMb} MB > capacity ${capacity}`);
      continue;
    }
    if (vm.antiAffinity && others.some((p) => p.antiAffinity === vm.antiAffinity)) {
      reasons.push(`${h.name}: already runs a VM of anti-affinity group ${vm.antiAffinity}`);
      continue;
    }
    return { hostId: h.hostId, decision: [...reasons, `${h.name} chosen`].join('; ') };
  }
  return { refused: `no hypervisor can take it (${reasons.join('; ') || 'no other members'})` };
}
