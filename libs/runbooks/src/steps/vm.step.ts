import type { EgressGuard } from '#lib/egress';
import { holdSsh, proxmoxRequest, sendProxmox, showProxmox, waitProxmoxTask } from '#lib/executors';
import { domainXmlProblem } from '../vm-domain-xml.js';
import { sshAction } from './actions.js';
import { type ActionResult, type PlanContext, type PlannedAction, type ResolvedHost, type ResourceView, type StepExecution, type StepHandler, StepInputError, type StepPlan, durationField, sequential } from './step.js';
import { duration, flag, hostRef } from './step-fields.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface VmSettings {
  driver: 'libvirt' | 'proxmox';
  domain: string;
  vmid: number;
  xmlPath?: string;
  storagePath?: string;
  apiUrl?: string;
  token?: string;
  virsh: string;
  /** `--unsafe`: the shared disk is on storage libvirt does not recognise as shared (the lab's local folder). */
  unsafeMigration: boolean;
}

function settings(ctx: PlanContext, path: string): VmSettings {
  if (ctx.resource?.kind !== 'vm') throw new StepInputError(path, 'VM steps need a VM resource');
  return settingsOf(ctx.resource, ctx, path);
}

/** A VM resource's settings (the run's own, or one of the tenant's VMs a drain moves). */
export function settingsOf(resource: ResourceView, ctx: PlanContext, path: string): VmSettings {
  const c = resource.config;
  const driver = c.driver === 'proxmox' ? 'proxmox' : 'libvirt';
  if (driver === 'proxmox' && (typeof c.apiUrl !== 'string' || !ctx.resourceSecret('apiToken'))) throw new StepInputError(`${path}.apiUrl`, 'a Proxmox VM needs apiUrl and the apiToken secret');
  return {
    driver,
    domain: String(c.domain ?? ''),
    vmid: Number(c.vmid ?? 0),
    xmlPath: typeof c.xmlPath === 'string' ? c.xmlPath : undefined,
    storagePath: typeof c.storagePath === 'string' ? c.storagePath : undefined,
    apiUrl: typeof c.apiUrl === 'string' ? c.apiUrl : undefined,
    token: ctx.resourceSecret('apiToken'),
    virsh: typeof c.virsh === 'string' ? c.virsh : 'virsh',
    unsafeMigration: c.unsafeMigration === true,
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
 * How long fencing waits for a hypervisor to accept a TCP connection. Fencing follows a confirmed outage (its SSH port
 * unanswered three times): a host that is back answers a SYN within milliseconds, one that is gone never does — 2 s
 * allows one lost SYN (retransmitted after 1 s). A host that connects keeps the whole 5 s for the handshake and virsh.
 */
const FENCE_CONNECT_MS = 2000;

/** `virsh destroy`: done when the domain was stopped, is not running, or is not defined there at all. */
function destroyAction(host: ResolvedHost, vm: VmSettings, path: string): PlannedAction {
  return sshAction(host, [vm.virsh, 'destroy', vm.domain], path, { timeoutMs: 5000, connectTimeoutMs: FENCE_CONNECT_MS, judge: (r) => ({ ok: r.exitCode === 0 || /not running|failed to get domain/i.test(r.stderr) }) });
}

/** `virsh undefine`: its definition gone, so nothing (an operator, autostart) can start that copy again. */
function undefineAction(host: ResolvedHost, vm: VmSettings, path: string): PlannedAction {
  return sshAction(host, [vm.virsh, 'undefine', vm.domain], path, { timeoutMs: 5000, judge: (r) => ({ ok: r.exitCode === 0 || /failed to get domain/i.test(r.stderr) }) });
}

/** A line on the run's record (an action that only states something), e.g. how fencing was decided. */
export function statement(target: string, text: string, ok: boolean): PlannedAction {
  return { kind: 'notify', target, command: text, run: async () => ({ ok, note: text, stdout: `${text}\n` }) };
}

function failure(r: ActionResult): string {
  return r.note ?? (r.stderr?.trim().split('\n')[0] || `exit ${r.exitCode}`);
}

/**
 * Fencing a hypervisor before its VM starts elsewhere: the copy there destroyed and undefined over SSH. The host
 * answers SSH but not libvirt, or does not answer at all: not confirmed, and the reason is returned.
 */
async function fenceVm(exec: StepExecution, host: ResolvedHost, vm: VmSettings, path: string): Promise<{ fenced: true } | { fenced: false; why: string }> {
  if (!host.ssh) return { fenced: false, why: host.sshProblem ?? 'no SSH access' };
  const destroyed = await exec.perform(destroyAction(host, vm, path));
  if (!destroyed.ok) return { fenced: false, why: failure(destroyed) };
  const undefined_ = await exec.perform(undefineAction(host, vm, path));
  return undefined_.ok ? { fenced: true } : { fenced: false, why: `destroyed, but its definition stays: ${failure(undefined_)}` };
}

/**
 * Starts a VM on a hypervisor: libvirt fences the old hypervisor first (its copy destroyed and undefined, when it
 * answers), then defines the VM there from its XML on shared storage and starts it (`virsh` over SSH); Proxmox
 * starts it through the API and waits for the task. Fencing not confirmed: with `requireFencing` the run waits for an
 * operator; without, it relies on the disk's storage lock (a copy still running holds it, and the start fails) and
 * says so on the run; either way the old hypervisor is fenced (its definition removed) when it returns.
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
    if (from && from.id === on.id) throw new StepInputError(`${path}.on`, `is the hypervisor the VM is restarted from (${on.name})`);
    // As for a migration: a hypervisor inside a maintenance window may be rebooted under the VM at any moment.
    const window = (await ctx.inMaintenance([on.id])).get(on.id);
    if (window !== undefined) throw new StepInputError(`${path}.on`, `${on.name} is in a maintenance window (${window}): no VM is started on it`);
    const waitMs = durationField(w.timeout, 120_000);
    const requireFencing = ctx.resource?.requireFencing ?? false;
    const start = vm.driver === 'proxmox'
      ? proxmoxAction(vm, nodeOf(ctx, on), `/nodes/${nodeOf(ctx, on)}/qemu/${vm.vmid}/status/start`, undefined, waitMs, ctx.egress)
      : sshAction(on, [...(vm.xmlPath ? [[vm.virsh, 'define', vm.xmlPath]] : []), [vm.virsh, 'start', vm.domain]], `${path}.on`, {
          timeoutMs: waitMs,
          judge: (r) => (r.exitCode === 0 ? { ok: true } : /already active/i.test(r.stderr) ? { ok: true, note: 'already running' } : { ok: false }),
        });
    const fencePreview = from?.ssh && vm.driver === 'libvirt' ? [destroyAction(from, vm, `${path}.from`), undefineAction(from, vm, `${path}.from`)] : [];
    // The XML is read where it will be defined, and checked before anything is done: the resource's domain, and
    // nothing outside its storage path (another tenant's disk, a host device).
    const readXml = vm.driver === 'libvirt' && vm.xmlPath && vm.storagePath ? sshAction(on, ['cat', '--', vm.xmlPath], `${path}.on`, { timeoutMs: 10_000 }) : undefined;
    return {
      actions: [...(readXml ? [readXml] : []), ...fencePreview, start],
      async execute(exec) {
        if (readXml) {
          const read = await exec.perform(readXml);
          const problem = read.ok ? domainXmlProblem(read.stdout ?? '', { domain: vm.domain, storagePath: vm.storagePath! }) : `could not be read (${failure(read)})`;
          if (problem) return { ok: false, error: `the domain XML ${vm.xmlPath} ${problem}: nothing done` };
        }
        let fencing = 'confirmed';
        if (from && vm.driver === 'libvirt') {
          const fence = await fenceVm(exec, from, vm, `${path}.from`);
          if (!fence.fenced) {
            if (requireFencing && !exec.operatorOverride) {
              return { ok: false, askOperator: `${from.name} could not be fenced (${fence.why}); approve only once it is powered off` };
            }
            fencing = exec.operatorOverride
              ? `not confirmed on ${from.name} (${fence.why}); an operator approved going on`
              : `not confirmed on ${from.name} (${fence.why}); relying on the disk's storage lock (a copy still running holds it, so the start fails); ${from.name} is fenced (the VM undefined) when it returns`;
            await exec.perform(statement(from.name, `fencing ${fencing}`, false));
          }
          await exec.effects.setFencePending(from.id, !fence.fenced);
        }
        const result = await exec.perform(start);
        if (!result.ok) {
          // Defined but not started: its definition removed again, so nothing starts this copy later.
          if (vm.driver === 'libvirt' && vm.xmlPath) await exec.perform(undefineAction(on, vm, `${path}.on`));
          const locked = /lock/i.test(result.stderr ?? '') ? ' (its disk is locked: a copy still runs elsewhere)' : '';
          return { ok: false, error: `starting the VM on ${on.name} failed${locked}: ${result.note ?? result.stderr?.trim() ?? ''}` };
        }
        await exec.effects.setPrimary(on.id, `VM started on ${on.name}${from ? ` after ${from.name} was lost (fencing ${fencing.split(' (')[0]})` : ''}`);
        return { ok: true, outputs: { host: on.name, fencing } };
      },
    };
  },
};

/**
 * Fences a hypervisor that returns after its VM was started elsewhere: the stale copy is destroyed (should it run)
 * and undefined there — never started. Refused when the VM runs on that very host.
 */
export async function vmFencePlan(host: ResolvedHost, ctx: PlanContext, path: string): Promise<StepPlan> {
  const vm = settings(ctx, path);
  if (vm.driver !== 'libvirt') throw new StepInputError(`${path}.method`, 'vm fencing is for libvirt VMs (Proxmox keeps one definition per cluster)');
  if (ctx.resource?.primaryHostId === host.id) throw new StepInputError(`${path}.host`, `the VM runs on ${host.name}: it is not a stale copy`);
  const destroy = destroyAction(host, vm, `${path}.host`);
  const undefine = undefineAction(host, vm, `${path}.host`);
  return {
    actions: [destroy, undefine],
    async execute(exec) {
      const result = await sequential([destroy, undefine]).execute(exec);
      if (result.ok) await exec.effects.setFencePending(host.id, false);
      return result;
    },
  };
}

/** Where a VM runs now: the step's `from`, or else the resource's current primary. */
async function currentHost(w: Record<string, unknown>, ctx: PlanContext, vm: VmSettings, path: string): Promise<ResolvedHost> {
  const id = w.from ?? ctx.resource?.primaryHostId;
  if (id === undefined || id === null) throw new StepInputError(`${path}.from`, 'the VM has no current host on record: give from');
  return ctx.resolveHost(id, `${path}.from`, vm.driver === 'libvirt');
}

/**
 * Moves a running VM: `virsh migrate --live --persistent --undefinesource` from the source, or the Proxmox migrate
 * API. Refused before anything moves when the target is the current host, when Vigia cannot reach the target's
 * libvirt under its pinned SSH host key (a changed key may be someone else answering at its address), or when the
 * VM already runs there. Done once the target says the domain is running.
 */
export const vmMigrateStep: StepHandler = {
  type: 'vm.migrate',
  fields: {
    from: hostRef().optional(),
    to: hostRef(),
    live: flag().optional(),
    timeout: duration().optional(),
  },
  idempotent: () => false,
  async plan(w, ctx, path) {
    const vm = settings(ctx, path);
    const from = await currentHost(w, ctx, vm, path);
    const to = await ctx.resolveHost(w.to, `${path}.to`, vm.driver === 'libvirt');
    if (from.id === to.id) throw new StepInputError(`${path}.to`, `is the host the VM runs on now (${to.name})`);
    const window = (await ctx.inMaintenance([to.id])).get(to.id);
    if (window !== undefined) throw new StepInputError(`${path}.to`, `${to.name} is in a maintenance window (${window}): no VM is moved onto it`);
    const live = w.live !== false;
    const waitMs = durationField(w.timeout, 600_000);
    if (vm.driver === 'proxmox') {
      const action = proxmoxAction(vm, nodeOf(ctx, from), `/nodes/${nodeOf(ctx, from)}/qemu/${vm.vmid}/migrate`, { target: nodeOf(ctx, to), online: live ? 1 : 0 }, waitMs, ctx.egress);
      return migration([action], async (exec) => exec.perform(action), from, to);
    }
    const { actions, run } = libvirtMigration(vm, from, to, path, waitMs, live);
    return migration(actions, run, from, to);
  },
};

/**
 * A libvirt live migration as actions: the target's libvirt checked over Vigia's SSH under its pinned key (and the VM
 * not already running there), `virsh migrate` on the source, then the target must report the domain running.
 */
export function libvirtMigration(vm: VmSettings, from: ResolvedHost, to: ResolvedHost, path: string, waitMs: number, live = true): { actions: PlannedAction[]; run: (exec: StepExecution) => Promise<ActionResult> } {
  const domstate = (host: ResolvedHost) => sshAction(host, [vm.virsh, 'domstate', vm.domain], `${path}.to`, { timeoutMs: 10_000, judge: (r) => ({ ok: r.exitCode === 0 || /failed to get domain/i.test(r.stderr) }) });
  const precheck = domstate(to);
  const move = sshAction(from, [vm.virsh, 'migrate', ...(live ? ['--live'] : []), '--persistent', '--undefinesource', ...(vm.unsafeMigration ? ['--unsafe'] : []), vm.domain, `qemu+ssh://${to.address}/system`], `${path}.from`, { timeoutMs: waitMs });
  const verify = domstate(to);
  return {
    actions: [precheck, move, verify],
    async run(exec) {
      // The source's session is opened while the target is checked, and the target's is kept through the migration
      // for the check after it: no handshake waits between the three commands (each costs one, seconds on a busy
      // machine). Only sessions: nothing runs on the source before the target has been checked.
      const holds = [holdSsh(from.ssh!, 10_000)];
      try {
        const before = await exec.perform(precheck);
        if (!before.ok) return { ...before, note: `refused before moving anything: ${to.name}'s libvirt could not be checked (${failure(before)})` };
        if (/running|paused/.test(before.stdout ?? '')) return { ok: false, note: `refused: ${vm.domain} already runs on ${to.name}` };
        holds.push(holdSsh(to.ssh!, 10_000));
        const moved = await exec.perform(move);
        if (!moved.ok) return moved;
        const after = await exec.perform(verify);
        return /running/.test(after.stdout ?? '') ? after : { ...after, ok: false, note: `${to.name} does not report ${vm.domain} running after the migration (${(after.stdout ?? '').trim() || failure(after)})` };
      } finally {
        for (const hold of holds) (await hold)();
      }
    },
  };
}

function migration(actions: PlannedAction[], run: (exec: StepExecution) => Promise<ActionResult>, from: ResolvedHost, to: ResolvedHost): StepPlan {
  return {
    actions,
    async execute(exec) {
      const result = await run(exec);
      if (!result.ok) return { ok: false, error: `migrating the VM to ${to.name} failed: ${result.note ?? (result.stderr?.trim() || '')}` };
      await exec.effects.setPrimary(to.id, `VM migrated from ${from.name} to ${to.name}`);
      return { ok: true, outputs: { host: to.name } };
    },
  };
}
