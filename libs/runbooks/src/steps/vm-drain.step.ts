import type { ProbeRunner } from '#lib/probes';
import { placeVm, type PlacedVm } from '../vm-placement.js';
import { type ActionResult, type PlanContext, type PlannedAction, type ResolvedHost, type ResourceView, type StepExecution, type StepHandler, StepInputError, durationField } from './step.js';
import { duration, hostRef, int } from './step-fields.js';
import { libvirtMigration, settingsOf, statement } from './vm.step.js';

/** How long a moved VM's `checkUrl` may take to answer on its new host. */
const ANSWER_WITHIN_MS = 60_000;

interface Move {
  resource: ResourceView;
  to: ResolvedHost;
  decision: string;
  actions: PlannedAction[];
  migrate: (exec: StepExecution) => Promise<ActionResult>;
  answer?: PlannedAction;
}

/** Polls the VM's `checkUrl` (the egress-checked HTTP probe) until it answers, bounded. */
function answerAction(url: string, name: string, tenantId: string, probes: ProbeRunner): PlannedAction {
  return {
    kind: 'probe',
    target: `${name} ${url}`,
    command: `until it answers, every 500 ms, within ${ANSWER_WITHIN_MS} ms`,
    async run(io) {
      // A bounded wait on real I/O: monotonic time, as the other waiting steps.
      const deadline = performance.now() + ANSWER_WITHIN_MS;
      let last = '';
      while (!io.signal.aborted && performance.now() < deadline) {
        const result = await probes.run({ type: 'http', config: { url }, address: new URL(url).hostname, timeoutMs: 2000, tenantId });
        last = `${result.status}: ${result.reason}`;
        if (result.status === 'up') return { ok: true, stdout: `${last}\n`, note: 'answers on its new host' };
        await new Promise((r) => setTimeout(r, 500));
      }
      return { ok: false, stdout: `${last}\n`, note: `${name} did not answer within ${ANSWER_WITHIN_MS} ms (last ${last})` };
    },
  };
}

/** Each VM on the host placed (capacity, anti-affinity) as if the ones before it had already moved. */
async function planMoves(host: ResolvedHost, ctx: PlanContext, path: string, waitMs: number, probes: ProbeRunner): Promise<Move[]> {
  const all = await ctx.vms();
  const placed: PlacedVm[] = all.map((v) => ({ resourceId: v.id, hostId: v.primaryHostId, memoryMb: Number(v.config.memoryMb ?? 0), antiAffinity: v.config.antiAffinity as string | undefined }));
  const moves: Move[] = [];
  for (const resource of all.filter((v) => v.primaryHostId === host.id).sort((a, b) => a.name.localeCompare(b.name))) {
    const vm = settingsOf(resource, ctx, `${path}.host`);
    if (vm.driver !== 'libvirt') throw new StepInputError(`${path}.host`, `${resource.name} is a Proxmox VM: Proxmox moves it with its own node maintenance`);
    const others = resource.members.filter((m) => m.hostId !== host.id);
    const maintenance = await ctx.inMaintenance(others.map((m) => m.hostId));
    const candidates = await Promise.all(others.map(async (m) => {
      const h = await ctx.resolveHost(m.hostId, `${path}.host`, false);
      return { hostId: h.id, name: h.name, tags: h.tags ?? [], healthy: !!h.ssh, maintenance: maintenance.get(h.id) };
    }));
    const self = placed.find((p) => p.resourceId === resource.id)!;
    const target = placeVm(self, candidates, placed);
    if ('refused' in target) throw new StepInputError(`${path}.host`, `${resource.name} cannot move: ${target.refused}`);
    self.hostId = target.hostId;
    const to = await ctx.resolveHost(target.hostId, `${path}.host`, true);
    const { actions, run } = libvirtMigration(vm, host, to, path, waitMs);
    const url = typeof resource.config.checkUrl === 'string' ? resource.config.checkUrl : undefined;
    moves.push({ resource, to, decision: target.decision, actions, migrate: run, answer: url ? answerAction(url, resource.name, ctx.tenantId, probes) : undefined });
  }
  return moves;
}

/**
 * Empties a hypervisor before maintenance: its VMs live-migrated one at a time, each to the member placement chooses
 * (capacity, anti-affinity), each checked running there — and answering its `checkUrl`, when it has one — before the
 * next; then the host gets a maintenance window. A VM that cannot move stops the drain: the host is not put in
 * maintenance with a VM still on it.
 */
export const vmDrainStep: StepHandler = {
  type: 'vm.drain',
  fields: {
    host: hostRef(),
    maintenanceHours: int(1, 168).optional(),
    timeout: duration().optional(),
  },
  idempotent: () => false,
  async plan(w, ctx, path, { probes }) {
    const host = await ctx.resolveHost(w.host, `${path}.host`, true);
    const maintenanceMs = (typeof w.maintenanceHours === 'number' ? w.maintenanceHours : 4) * 3_600_000;
    const moves = await planMoves(host, ctx, path, durationField(w.timeout, 600_000), probes);
    const maintenance = statement(host.name, `${host.name} in maintenance for ${maintenanceMs / 3_600_000} h`, true);
    return {
      actions: [...moves.flatMap((m) => [statement(m.resource.name, `placement: ${m.decision}`, true), ...m.actions, ...(m.answer ? [m.answer] : [])]), maintenance],
      async execute(exec) {
        const moved: string[] = [];
        for (const m of moves) {
          await exec.perform(statement(m.resource.name, `placement: ${m.decision}`, true));
          const result = await m.migrate(exec);
          if (!result.ok) return { ok: false, error: `${m.resource.name} not moved to ${m.to.name}: ${result.note ?? (result.stderr?.trim() || '')}; ${host.name} not put in maintenance`, outputs: { moved } };
          await exec.effects.setPrimaryOf(m.resource.id, m.to.id, `VM migrated from ${host.name} to ${m.to.name} (drain of ${host.name})`);
          if (m.answer && !(await exec.perform(m.answer)).ok) return { ok: false, error: `${m.resource.name} runs on ${m.to.name} but does not answer; ${host.name} not put in maintenance`, outputs: { moved } };
          moved.push(m.resource.name);
        }
        await exec.effects.startMaintenance(host.id, `drain of ${host.name}`, maintenanceMs);
        await exec.perform(maintenance);
        return { ok: true, outputs: { moved } };
      },
    };
  },
};
