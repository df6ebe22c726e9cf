import type { EgressGuard } from '#lib/egress';
import { proxmoxRequest, sendProxmox, showProxmox, waitProxmoxTask } from '#lib/executors';
import { sshAction } from './actions.js';
import { type PlanContext, type PlannedAction, type ResolvedHost, type StepHandler, StepInputError, durationField } from './step.js';
import { duration, flag, hostRef } from './step-fields.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

interface VmSettings {
  driver: 'libvirt' | 'proxmox';
  domain: string;
  vmid: number;
  xmlPath?: string;
  apiUrl?: string;
  token?: string;
  virsh: string;
}

function settings(ctx: PlanContext, path: string): VmSettings {
  if (ctx.resource?.kind !== 'vm') throw new StepInputError(path, 'VM steps need a VM resource');
  const c = ctx.resource.config;
  const driver = c.driver === 'proxmox' ? 'proxmox' : 'libvirt';
  if (driver === 'proxmox' && (typeof c.apiUrl !== 'string' || !ctx.resourceSecret('apiToken'))) throw new StepInputError(`${path}.apiUrl`, 'a Proxmox VM needs apiUrl and the apiToken secret');
  return {
    driver,
    domain: String(c.domain ?? ''),
    vmid: Number(c.vmid ?? 0),
    xmlPath: typeof c.xmlPath === 'string' ? c.xmlPath : undefined,
    apiUrl: typeof c.apiUrl === 'string' ? c.apiUrl : undefined,
    token: ctx.resourceSecret('apiToken'),
    virsh: typeof c.virsh === 'string' ? c.virsh : 'virsh',
  };
}

/** A Proxmox node is the member's `value`, or the host's name. */
function nodeOf(ctx: PlanContext, host: ResolvedHost): string {
  const node = ctx.resource?.members.find((m) => m.hostId === host.id)?.value ?? host.name;
  if (!NAME.test(node)) throw new StepInputError('members', `Proxmox node name ${JSON.stringify(node)} is not valid`);
  return node;
}

function proxmoxAction(vm: VmSettings, node: string, path: string, form: Record<string, string | number> | undefined, waitMs: number, egress: EgressGuard): PlannedAction {
  const request = proxmoxRequest(vm.apiUrl!, vm.token!, 'POST', path, form);
  return {
    kind: 'http',
    target: new URL(request.url).host,
    command: showProxmox(request),
    async run(io) {
      const answer = await sendProxmox(request, 15_000, egress, io.signal);
      if (answer.status !== 200 || typeof answer.data !== 'string') return { ok: false, exitCode: answer.status, stdout: answer.text, note: `HTTP ${answer.status}` };
      io.onData('stdout', `task ${answer.data}\n`);
      const task = await waitProxmoxTask(vm.apiUrl!, vm.token!, node, answer.data, waitMs, egress, io.signal);
      return { ok: task.ok, exitCode: answer.status, stdout: `${answer.data}: ${task.status}`, note: `task ${task.status}` };
    },
  };
}

/**
 * Starts a VM on a hypervisor: libvirt defines it there from its XML on shared storage (after the dead hypervisor is
 * fenced) and starts it (`virsh` over SSH); Proxmox starts it through the API and waits for the task.
 */
export const vmRestartStep: StepHandler = {
  type: 'vm.restart',
  fields: {
    on: hostRef(),
    from: hostRef().optional(),
    timeout: duration().optional(),
  },
  idempotent: () => true,
  async plan(w, ctx, path) {
    const vm = settings(ctx, path);
    const on = await ctx.resolveHost(w.on, `${path}.on`, vm.driver === 'libvirt');
    const from = w.from === undefined ? undefined : await ctx.resolveHost(w.from, `${path}.from`, false);
    const waitMs = durationField(w.timeout, 120_000);
    // Two hosts running one disk image corrupt it: the old hypervisor is told to stop the domain first, if it answers.
    const fence = from && from.ssh && vm.driver === 'libvirt' ? sshAction(from, [vm.virsh, 'destroy', vm.domain], `${path}.from`, { timeoutMs: 2000, judge: (r) => ({ ok: r.exitCode === 0 || /not running|failed to get domain/i.test(r.stderr) }) }) : undefined;
    const requireFencing = ctx.resource?.requireFencing ?? false;
    const action = vm.driver === 'proxmox'
      ? proxmoxAction(vm, nodeOf(ctx, on), `/nodes/${nodeOf(ctx, on)}/qemu/${vm.vmid}/status/start`, undefined, waitMs, ctx.egress)
      : sshAction(on, [...(vm.xmlPath ? [[vm.virsh, 'define', vm.xmlPath]] : []), [vm.virsh, 'start', vm.domain]], `${path}.on`, {
          timeoutMs: waitMs,
          judge: (r) => (r.exitCode === 0 ? { ok: true } : /already active/i.test(r.stderr) ? { ok: true, note: 'already running' } : { ok: false }),
        });
    return {
      actions: fence ? [fence, action] : [action],
      async execute(exec) {
        const fenced = fence ? (await exec.perform(fence)).ok : false;
        if (from && requireFencing && !fenced && !exec.operatorOverride) {
          return { ok: false, askOperator: `${from.name} could not be fenced (${from.sshProblem ?? 'it did not answer'}); approve only once it is powered off` };
        }
        if (from) await exec.effects.setFencePending(from.id, !fenced);
        const result = await exec.perform(action);
        if (!result.ok) return { ok: false, error: `starting the VM on ${on.name} failed: ${result.note ?? result.stderr?.trim() ?? ''}` };
        await exec.effects.setPrimary(on.id, `VM started on ${on.name}`);
        return { ok: true, outputs: { host: on.name } };
      },
    };
  },
};

/** Moves a running VM: `virsh migrate --live --persistent --undefinesource` from the source, or the Proxmox migrate API. */
export const vmMigrateStep: StepHandler = {
  type: 'vm.migrate',
  fields: {
    from: hostRef(),
    to: hostRef(),
    live: flag().optional(),
    timeout: duration().optional(),
  },
  idempotent: () => false,
  async plan(w, ctx, path) {
    const vm = settings(ctx, path);
    const from = await ctx.resolveHost(w.from, `${path}.from`, vm.driver === 'libvirt');
    const to = await ctx.resolveHost(w.to, `${path}.to`, false);
    if (from.id === to.id) throw new StepInputError(`${path}.to`, `is the same host as from (${to.name})`);
    const live = w.live !== false;
    const waitMs = durationField(w.timeout, 600_000);
    const action = vm.driver === 'proxmox'
      ? proxmoxAction(vm, nodeOf(ctx, from), `/nodes/${nodeOf(ctx, from)}/qemu/${vm.vmid}/migrate`, { target: nodeOf(ctx, to), online: live ? 1 : 0 }, waitMs, ctx.egress)
      : sshAction(from, [vm.virsh, 'migrate', ...(live ? ['--live'] : []), '--persistent', '--undefinesource', vm.domain, `qemu+ssh://${to.address}/system`], `${path}.from`, { timeoutMs: waitMs });
    return {
      actions: [action],
      async execute(exec) {
        const result = await exec.perform(action);
        if (!result.ok) return { ok: false, error: `migrating the VM to ${to.name} failed: ${result.note ?? result.stderr?.trim() ?? ''}` };
        await exec.effects.setPrimary(to.id, `VM migrated from ${from.name} to ${to.name}`);
        return { ok: true, outputs: { host: to.name } };
      },
    };
  },
};
