import type { CommandResult } from '#lib/executors';
import { CIDR4, IFNAME } from '../document/definition.js';
import { sshAction } from './actions.js';
import { vmFencePlan } from './vm.step.js';
import { mysqlCredentials, readOnlyAction, vouched } from './mysql.step.js';
import { memberSafetyActions, memberWarning } from './mysql-boot-config.js';
import { durationField, type PlanContext, type PlannedAction, type ResolvedHost, type StepHandler, StepInputError, type StepPlan, sequential } from './step.js';
import { cidr, duration, hostRef, ifname, int, strings, word } from './step-fields.js';

/** Fencing reaches a host that may be dead: give up quickly rather than hold the takeover. */
const FENCE_TIMEOUT_MS = 2000;
const COMMAND_TIMEOUT_MS = 10_000;

interface VipSettings {
  cidr: string;
  ip: string;
  iface: string;
  /** `ip`: Vigia adds and removes the address itself; `keepalived`: keepalived holds it, Vigia moves priorities. */
  mode: 'ip' | 'keepalived';
  trackFile: string;
  demote: number;
}

function vipSettings(w: Record<string, unknown>, ctx: PlanContext, path: string): VipSettings {
  const config = ctx.resource?.config ?? {};
  const cidr = (w.address as string | undefined) ?? (config.address as string | undefined);
  const iface = (w.interface as string | undefined) ?? (config.interface as string | undefined);
  if (!cidr || !CIDR4.test(cidr)) throw new StepInputError(`${path}.address`, 'no VIP: give address here or in the resource (e.g. 10.0.0.100/24)');
  if (!iface || !IFNAME.test(iface)) throw new StepInputError(`${path}.interface`, 'no interface: give interface here or in the resource');
  return {
    cidr, ip: cidr.split('/')[0]!, iface,
    mode: config.mode === 'keepalived' ? 'keepalived' : 'ip',
    trackFile: typeof config.trackFile === 'string' ? config.trackFile : '/etc/keepalived/vigia-weight',
    demote: typeof config.demoteWeight === 'number' ? config.demoteWeight : -100,
  };
}

/**
 * keepalived mode: each host's `track_file` (see docs/runbooks.md) holds a number keepalived adds to the VRRP
 * priority. Writing the demotion on the holder makes the standby preempt, and keepalived itself moves the address
 * and sends the gratuitous ARP. `tee` writes stdin to the file: no shell, no redirection.
 */
function writeTrackFile(host: ResolvedHost, vip: VipSettings, value: number, path: string, timeoutMs: number, waitForVip = false): PlannedAction {
  const write = ['tee', vip.trackFile];
  // A fixed script; the interface and the address are its positional arguments, never part of the code.
  const wait = ['sh', '-c', 'for i in $(seq 50); do ip -o addr show dev "$1" | grep -qF " $2/" && exit 0; sleep 0.2; done; echo "$2 did not appear on $1" >&2; exit 1', 'vigia-wait-vip', vip.iface, vip.ip];
  return sshAction(host, waitForVip ? [write, wait] : write, path, { timeoutMs, stdin: `${value}\n`, stdinShown: String(value) });
}

/** What fencing a VIP holder means in each mode. */
export function fenceVipAction(host: ResolvedHost, vip: VipSettings, path: string, timeoutMs = FENCE_TIMEOUT_MS): PlannedAction {
  return vip.mode === 'keepalived' ? writeTrackFile(host, vip, vip.demote, path, timeoutMs) : removeVipAction(host, vip.cidr, vip.iface, path, timeoutMs);
}

const absent = (r: CommandResult) =>
  r.exitCode === 0 ? { ok: true } : /Cannot assign requested address|Address not found/i.test(r.stderr) ? { ok: true, note: 'address already absent' } : { ok: false };

export function removeVipAction(host: ResolvedHost, cidr: string, iface: string, path: string, timeoutMs = FENCE_TIMEOUT_MS): PlannedAction {
  return sshAction(host, ['ip', 'addr', 'del', cidr, 'dev', iface], path, { timeoutMs, judge: absent });
}

/**
 * Moves a VIP: takes it off the old holder if that host answers (fencing), adds it on the new holder, and announces
 * the new MAC with gratuitous ARP — without it, neighbours keep sending to the old MAC for 20–50 s. When the policy
 * does not require confirmed fencing, fencing and takeover run side by side (a dead holder costs no time) and a
 * holder that could not be reached is remembered, to be fenced as soon as it is back.
 */
export const vipMoveStep: StepHandler = {
  type: 'vip.move',
  fields: {
    from: hostRef().optional(),
    to: hostRef(),
    address: cidr().optional(),
    interface: ifname().optional(),
    arp_count: int(0, 10).optional(),
  },
  idempotent: () => true,
  async plan(w, ctx, path) {
    const vip = vipSettings(w, ctx, path);
    const { cidr, ip, iface } = vip;
    const to = await ctx.resolveHost(w.to, `${path}.to`, true);
    const from = w.from === undefined || w.from === null ? undefined : await ctx.resolveHost(w.from, `${path}.from`, false);
    if (from && from.id === to.id) throw new StepInputError(`${path}.to`, `is the same host as from (${to.name})`);
    const arpCount = typeof w.arp_count === 'number' ? w.arp_count : 2;
    const fence = from && from.ssh ? fenceVipAction(from, vip, `${path}.from`) : undefined;
    // `replace` is `add` that also succeeds when the address is already there (a repeated step, a failback).
    // -U: unsolicited ARP (every neighbour updates its cache); the first goes out at once, -w bounds the rest.
    // One session for both: on a real server each SSH session costs a key exchange and a shell start.
    const takeover = [['ip', 'addr', 'replace', cidr, 'dev', iface], ...(arpCount > 0 ? [['arping', '-q', '-U', '-c', String(arpCount), '-w', String(arpCount), '-I', iface, ip]] : [])];
    const add = vip.mode === 'keepalived'
      ? writeTrackFile(to, vip, 0, `${path}.to`, COMMAND_TIMEOUT_MS + 10_000, true)
      : sshAction(to, takeover, `${path}.to`, { timeoutMs: COMMAND_TIMEOUT_MS });
    const actions = [fence, add].filter((a): a is PlannedAction => !!a);
    // For a MySQL group, fencing the old primary is mysql.promote's decision; the writer VIP then just follows.
    const requireFencing = ctx.resource?.kind === 'vip_group' && ctx.resource.requireFencing;
    return {
      actions,
      async execute(exec) {
        let fenced: Promise<boolean> = Promise.resolve(!from);
        if (from && !fence) fenced = Promise.resolve(false);
        // An operator approved going on without a confirmed fence: not tried again (its full timeout, for nothing).
        if (from && requireFencing && exec.operatorOverride) fenced = exec.perform(vouched(from)).then(() => false);
        else if (fence) fenced = exec.perform(fence).then((r) => r.ok, () => false);
        if (from && requireFencing && !exec.operatorOverride && !(await fenced)) {
          return { ok: false, askOperator: `fencing of ${from.name} could not be confirmed (${from.sshProblem ?? 'it did not answer'}); approve only once it cannot serve ${ip}` };
        }
        const added = await exec.perform(add);
        if (!added.ok) return { ok: false, error: `taking ${cidr} over on ${to.name} failed: ${added.stderr?.trim() || `exit ${added.exitCode}`}` };
        // For a VIP group the VIP is the resource; for a MySQL group it only follows the primary chosen before it.
        if (ctx.resource?.kind === 'vip_group' || !ctx.resource) {
          await exec.effects.setPrimary(to.id, `${ip} moved to ${to.name}`);
          if (from) await exec.effects.setFencePending(from.id, !(await fenced));
        }
        return { ok: true };
      },
    };
  },
};

/** Unsolicited ARP from the address's real holder: neighbours that cached a returning old holder's MAC switch back. */
function announceAction(holder: ResolvedHost, iface: string, ip: string, path: string): PlannedAction {
  return sshAction(holder, ['arping', '-q', '-U', '-c', '2', '-w', '2', '-I', iface, ip], path, { timeoutMs: COMMAND_TIMEOUT_MS });
}

/** The group's current holder of the address, when it is another host and can be reached over SSH. */
async function realHolder(ctx: PlanContext, fenced: ResolvedHost, path: string): Promise<ResolvedHost | undefined> {
  const id = ctx.resource?.primaryHostId;
  if (!id || id === fenced.id) return undefined;
  const holder = await ctx.resolveHost(id, path, false).catch(() => undefined);
  return holder?.ssh ? holder : undefined;
}

/**
 * Fencing a returning former MySQL primary, in the order that closes the window fastest: `read_only=ON` over the
 * MySQL protocol first (one round trip; from then on it refuses every write, whatever address the write came in
 * through), then the writer address off it over SSH, then the real holder's gratuitous ARP so that neighbours which
 * learnt the old host's MAC while it was back send to the primary again. Fenced only when it is read-only and the
 * address is gone; a step that could not do both leaves the member pending, to be tried again.
 */
async function mysqlFencePlan(host: ResolvedHost, ctx: PlanContext, path: string, timeoutMs: number): Promise<StepPlan> {
  const config = ctx.resource?.config ?? {};
  const readOnly = readOnlyAction(host, { ...mysqlCredentials(ctx, path).admin, host: host.address });
  const cidr = typeof config.writerAddress === 'string' ? config.writerAddress : undefined;
  const iface = typeof config.writerInterface === 'string' ? config.writerInterface : undefined;
  const writer = cidr && iface && CIDR4.test(cidr) && IFNAME.test(iface) ? { cidr, iface, ip: cidr.split('/')[0]! } : undefined;
  const remove = writer && host.ssh ? removeVipAction(host, writer.cidr, writer.iface, `${path}.host`, timeoutMs) : undefined;
  const holder = writer ? await realHolder(ctx, host, `${path}.host`) : undefined;
  const announce = writer && holder ? announceAction(holder, writer.iface, writer.ip, `${path}.host`) : undefined;
  // After the fence itself: does it boot read-only, and (with a writer interface) will it stop announcing the address?
  const [checkBoot, checkArp] = host.ssh ? memberSafetyActions(host, writer?.iface, `${path}.host`) : [];
  return {
    actions: [readOnly, ...(remove ? [remove] : []), ...(announce ? [announce] : []), ...(checkBoot ? [checkBoot] : []), ...(checkArp ? [checkArp] : [])],
    async execute(exec) {
      const ro = await exec.perform(readOnly);
      const removed = remove ? await exec.perform(remove) : undefined;
      if (announce) await exec.perform(announce);
      let bootsReadOnly = false;
      if (checkBoot) {
        const [boot, arp] = await Promise.all([exec.perform(checkBoot), checkArp ? exec.perform(checkArp) : undefined]);
        bootsReadOnly = boot.ok;
        await exec.effects.setMemberWarning(host.id, memberWarning([boot, ...(arp ? [arp] : [])]));
      }
      // No mysqld running (refused) on a host that boots read-only: it cannot take a write now, nor once started.
      const down = !ro.ok && /ECONNREFUSED/.test(ro.note ?? '') && bootsReadOnly;
      const problems = [
        ...(ro.ok || down ? [] : [`read_only not set (${ro.note ?? 'no answer'})`]),
        ...(writer && !remove ? [`writer address not removed (${host.sshProblem ?? 'no SSH access'})`] : []),
        ...(removed && !removed.ok ? [`writer address not removed (${removed.stderr?.trim().split('\n')[0] || `exit ${removed.exitCode}`})`] : []),
      ];
      if (problems.length) return { ok: false, error: `${host.name} not fenced: ${problems.join('; ')}` };
      await exec.effects.setFencePending(host.id, false);
      return { ok: true };
    },
  };
}

/** Makes a host unable to serve: takes the VIP off it, or runs the operator's command (stop a service, power off). */
export const fenceStep: StepHandler = {
  type: 'fence',
  fields: {
    host: hostRef(),
    method: word({ oneOf: ['vip', 'ssh', 'mysql', 'vm'] }),
    address: cidr().optional(),
    interface: ifname().optional(),
    argv: strings(undefined, 64).optional(),
    timeout: duration().optional(),
  },
  // SSH fencing is the operator's own command.
  check: (w) => (w.method === 'ssh' && w.argv === undefined ? { field: 'argv', message: 'is required when method is ssh' } : undefined),
  idempotent: () => true,
  async plan(w, ctx, path) {
    const host = await ctx.resolveHost(w.host, `${path}.host`, w.method !== 'mysql');
    const timeoutMs = durationField(w.timeout, 10_000);
    if (w.method === 'mysql') return mysqlFencePlan(host, ctx, path, timeoutMs);
    if (w.method === 'vm') return vmFencePlan(host, ctx, path);
    const vip = w.method === 'vip' ? vipSettings(w, ctx, path) : undefined;
    const action = vip ? fenceVipAction(host, vip, `${path}.host`, timeoutMs) : sshAction(host, (w.argv as unknown[]).map(String), `${path}.argv`, { timeoutMs });
    // keepalived announces the address itself when it moves it; with `ip` the real holder does it here.
    const holder = vip && vip.mode === 'ip' ? await realHolder(ctx, host, `${path}.host`) : undefined;
    const announce = vip && holder ? announceAction(holder, vip.iface, vip.ip, `${path}.host`) : undefined;
    return {
      actions: [action, ...(announce ? [announce] : [])],
      async execute(exec) {
        const result = await sequential([action]).execute(exec);
        if (announce) await exec.perform(announce);
        if (result.ok) await exec.effects.setFencePending(host.id, false);
        return result;
      },
    };
  },
};
