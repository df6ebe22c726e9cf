import { compareGtid, MysqlAdmin, type MysqlTarget, type ServerState } from '#lib/executors';
import { sshAction } from './actions.js';
import { memberSafetyActions, memberWarning } from './mysql-boot-config.js';
import { type PlanContext, type PlannedAction, type ResolvedHost, type StepHandler, StepInputError, durationField, sequential } from './step.js';
import { duration, flag, hostRef } from './step-fields.js';

const CONNECT_MS = 2000;
const OLD_PRIMARY_CONNECT_MS = 500;
export const NO_PROMOTE_TAG = 'no-promote';

interface Member {
  host: ResolvedHost;
  state?: ServerState;
  problem?: string;
}

export function mysqlCredentials(ctx: PlanContext, path: string): { admin: Omit<MysqlTarget, 'host'>; repl: { user: string; password: string } } {
  const config = ctx.resource?.config ?? {};
  const user = ctx.resourceSecret('user');
  const password = ctx.resourceSecret('password');
  if (!user || password === undefined) throw new StepInputError(`${path}.user`, 'the MySQL group has no admin user and password (secrets user, password)');
  return {
    admin: { port: Number(config.port ?? 3306), user, password, egress: ctx.egress },
    repl: { user: String(config.replUser ?? 'repl'), password: ctx.resourceSecret('replPassword') ?? '' },
  };
}

/** What `MysqlAdmin.replicateFrom` does, as the audit trail shows it (MariaDB wording, password masked). */
function repointShown(address: string, port: number, user: string, ownHistory: boolean): string {
  const own = ownHistory ? 'SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos; SET GLOBAL rpl_semi_sync_master_enabled = OFF; ' : '';
  return `STOP SLAVE; ${own}CHANGE MASTER TO MASTER_HOST='${address}', MASTER_PORT=${port}, MASTER_USER='${user}', MASTER_PASSWORD='********', MASTER_USE_GTID=slave_pos; START SLAVE`;
}

/** `read_only = ON` on a server: what fencing a MySQL primary means when it answers. */
export function readOnlyAction(host: ResolvedHost, target: MysqlTarget): PlannedAction {
  return {
    kind: 'mysql',
    target: `${host.name} (${target.host}:${target.port})`,
    command: 'SET GLOBAL read_only = ON',
    async run(io) {
      const admin = await MysqlAdmin.connect(target, CONNECT_MS);
      const stop = admin.abortOn(io.signal);
      try {
        await admin.setReadOnly(true);
        return { ok: true, note: 'read_only=ON' };
      } finally {
        stop();
        await admin.close();
      }
    },
  };
}

async function inspect(host: ResolvedHost, admin: Omit<MysqlTarget, 'host'>, connectMs = CONNECT_MS): Promise<Member> {
  try {
    const session = await MysqlAdmin.connect({ ...admin, host: host.address }, connectMs);
    try {
      return { host, state: await session.state() };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { host, problem: (error as Error).message };
  }
}

/** Why a replica may not be promoted, or undefined when it may. */
function unfit(member: Member, from: ResolvedHost, port: number, maxLag: number): string | undefined {
  if (!member.state) return `unreachable (${member.problem})`;
  const replica = member.state.replica;
  if (!replica) return 'not a replica';
  if (replica.source !== `${from.address}:${port}`) return `replicates from ${replica.source}, not from ${from.name}`;
  if (member.host.tags?.includes(NO_PROMOTE_TAG)) return `tagged ${NO_PROMOTE_TAG}`;
  if (!replica.sqlRunning) return `SQL thread stopped${replica.lastSqlError ? `: ${replica.lastSqlError}` : ''}`;
  if (replica.secondsBehind !== null && replica.secondsBehind > maxLag) return `lags ${replica.secondsBehind} s (threshold ${maxLag} s)`;
  return undefined;
}

/**
 * Promotes the best replica of a MySQL/MariaDB group, Orchestrator-style: the most advanced replica by received GTID
 * (preference order on ties) that replicates from the failed primary, runs its SQL thread, lags under the threshold
 * and is not tagged no-promote. Fences the old primary (read_only=ON, or the group's SSH fence command; unreachable:
 * paused for an operator when the policy requires confirmed fencing), waits until the candidate has applied all it
 * received, detaches it and makes it writable, and re-points the other replicas with GTID auto-positioning. Refuses,
 * saying why, when no replica is safe. Not safe to repeat after a crash mid-way: an operator checks the topology.
 */
export const mysqlPromoteStep: StepHandler = {
  type: 'mysql.promote',
  fields: {
    from: hostRef(),
    to: hostRef().optional(),
    wait: duration().optional(),
    switchover: flag().optional(),
  },
  idempotent: () => false,
  async plan(w, ctx, path) {
    if (ctx.resource?.kind !== 'mysql_group') throw new StepInputError(`${path}.from`, 'mysql.promote needs a MySQL group resource');
    const config = ctx.resource.config;
    const { admin, repl } = mysqlCredentials(ctx, path);
    const maxLag = Number(config.maxLagSeconds ?? 10);
    const waitSeconds = Math.round(durationField(w.wait, maxLag * 1000) / 1000);
    const from = await ctx.resolveHost(w.from, `${path}.from`, false);
    const forced = w.to === undefined ? undefined : await ctx.resolveHost(w.to, `${path}.to`, false);
    const others = await Promise.all(ctx.resource.members.filter((m) => m.hostId !== from.id).map(async (m) => ctx.resolveHost(m.hostId, `${path}.members`, false)));
    const switchover = w.switchover === true;
    // Side by side: a vanished old primary costs its connect timeout once, not on top of the replicas'. In a failover
    // it was just found unreachable: a server that answers does so in milliseconds, so it gets the monitor's own 500 ms, not two seconds.
    const [old, ...members] = await Promise.all([from, ...others].map((host) => inspect(host, admin, host === from && !switchover ? OLD_PRIMARY_CONNECT_MS : CONNECT_MS)));
    if (switchover && !old.state) return refuse(`a switchover needs ${from.name} to answer (${old.problem}); for a dead primary use a failover`);
    if (old.state && !old.state.readOnly && !switchover) {
      const replicas = members.filter((m) => m.state?.replica?.source === `${from.address}:${admin.port}`);
      if (replicas.some((m) => m.state!.replica!.ioRunning)) {
        return refuse(`${from.name} is reachable, writable and replicas still replicate from it: it is healthy; use a switchover to move it`);
      }
    }
    const fit = members.filter((m) => !unfit(m, from, admin.port, maxLag));
    const reasons = members.map((m) => `${m.host.name}: ${unfit(m, from, admin.port, maxLag) ?? 'fit'}`).join('; ');
    const ranked = fit.sort((a, b) => compareGtid(b.state!.replica!.receivedGtid || b.state!.gtid, a.state!.replica!.receivedGtid || a.state!.gtid) || others.indexOf(a.host) - others.indexOf(b.host));
    const chosen = forced ? ranked.find((m) => m.host.id === forced.id) : ranked[0];
    if (!chosen) return refuse(`no replica is safe to promote (${reasons || 'no replicas'})`);
    const target: MysqlTarget = { ...admin, host: chosen.host.address };
    const received = chosen.state!.replica!.receivedGtid;
    const fenceSql = old.state ? readOnlyAction(from, { ...admin, host: from.address }) : undefined;
    const fenceSsh = !old.state && Array.isArray(config.fenceCommand) && from.ssh ? sshAction(from, (config.fenceCommand as unknown[]).map(String), `${path}.from`, { timeoutMs: 10_000 }) : undefined;
    const fence = fenceSql ?? fenceSsh;
    const session = (command: string, work: (s: MysqlAdmin) => Promise<{ ok: boolean; note?: string }>, host = chosen.host, t = target): PlannedAction => ({
      kind: 'mysql',
      target: `${host.name} (${t.host}:${t.port})`,
      command,
      async run(io) {
        const s = await MysqlAdmin.connect(t, CONNECT_MS);
        const stop = s.abortOn(io.signal);
        try {
          return await work(s);
        } finally {
          stop();
          await s.close();
        }
      },
    });
    // A switchover waits for the old primary's own position, read after it stopped taking writes: nothing in flight is left behind.
    const oldTarget: MysqlTarget = { ...admin, host: from.address };
    const wait = session(switchover ? `wait until applied: ${from.name}'s position once read-only (at most ${waitSeconds} s)` : `wait until applied: ${received || '(nothing received)'} (at most ${waitSeconds} s)`, async (s) => {
      let position = received;
      if (switchover) {
        const o = await MysqlAdmin.connect(oldTarget, CONNECT_MS);
        position = await o.state().then((st) => st.gtid).finally(() => o.close());
      }
      return (await s.waitApplied(position, waitSeconds)) ? { ok: true, note: `applied up to ${position || 'nothing'}` } : { ok: false, note: `relay log not applied within ${waitSeconds} s: the replica lags beyond the threshold` };
    });
    const promote = session('STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF', async (s) => {
      await s.detach();
      await s.setReadOnly(false);
      return { ok: true, note: 'writable primary' };
    });
    const repoint = ranked.concat(members.filter((m) => m.state && !fit.includes(m) && m.state.replica)).filter((m) => m !== chosen).map((m) =>
      session(repointShown(chosen.host.address, admin.port, repl.user, false), async (s) => {
        await s.replicateFrom({ host: chosen.host.address, port: admin.port, user: repl.user, password: repl.password });
        return { ok: true, note: `replicates from ${chosen.host.name}` };
      }, m.host, { ...admin, host: m.host.address }));
    // In a switchover the old primary, read-only already, becomes a replica of the new one.
    if (switchover) {
      repoint.push(session(repointShown(chosen.host.address, admin.port, repl.user, true), async (s) => {
        await s.replicateFrom({ host: chosen.host.address, port: admin.port, user: repl.user, password: repl.password }, true);
        return { ok: true, note: `${from.name} replicates from ${chosen.host.name}` };
      }, from, oldTarget));
    }
    // A failover stops receiving on every replica it will touch at once (each may wait on the vanished source), while
    // the old primary is being fenced; the promotion and re-pointing after it then take milliseconds each.
    const touched = switchover ? [] : [chosen, ...ranked.concat(members.filter((m) => m.state && !fit.includes(m) && m.state.replica)).filter((m) => m !== chosen)];
    const stopReceiving = touched.map((m) => session(`STOP SLAVE IO_THREAD`, async (s) => {
      await s.stopReceiving(true);
      return { ok: true, note: 'receiving stopped' };
    }, m.host, { ...admin, host: m.host.address }));
    const actions = [...(fence ? [fence] : []), ...stopReceiving, wait, promote, ...repoint];
    const outputs = { host: chosen.host.name, hostId: chosen.host.id, address: chosen.host.address, candidates: reasons };
    const requireFencing = ctx.resource.requireFencing;
    return {
      actions,
      outputs,
      async execute(exec) {
        // Nothing changes on the replicas before an operator is asked (when the policy requires confirmed fencing).
        const holdFor = requireFencing && !exec.operatorOverride;
        const stopping = holdFor ? undefined : Promise.all(stopReceiving.map((action) => exec.perform(action)));
        // Approved by an operator after an unconfirmed fence: they vouched that it cannot accept writes, so the fence
        // (up to 10 s against a host that did not answer) is not tried again; the record says so.
        let fenced = false;
        if (exec.operatorOverride && requireFencing) await exec.perform(vouched(from));
        else if (fence) fenced = (await exec.perform(fence)).ok;
        if (!fenced && holdFor) {
          return { ok: false, askOperator: `${from.name} could not be fenced (${old.problem ?? 'fencing failed'}); approve only once it cannot accept writes` };
        }
        // A replica that did not stop receiving is stopped by its STOP SLAVE below, only later: not a reason to stop.
        await (stopping ?? Promise.all(stopReceiving.map((action) => exec.perform(action))));
        for (const action of [wait, promote]) {
          const result = await exec.perform(action);
          if (!result.ok) return { ok: false, error: `${chosen.host.name}: ${result.note ?? 'failed'}` };
        }
        await exec.effects.setPrimary(chosen.host.id, switchover ? `switchover from ${from.name} to ${chosen.host.name}` : `${chosen.host.name} promoted (most advanced of: ${reasons})`);
        await exec.effects.setFencePending(from.id, !fenced);
        // The other replicas are re-pointed side by side: each may wait on its own server.
        const repointed = await Promise.all(repoint.map(async (action) => ({ action, result: await exec.perform(action) })));
        const failed = repointed.find((r) => !r.result.ok);
        if (failed) return { ok: false, error: `re-pointing ${failed.action.target} failed: ${failed.result.note}`, outputs };
        return { ok: true, outputs };
      },
    };
  },
};

/** What an approved step records instead of a fence an operator vouched for. */
export function vouched(host: ResolvedHost): PlannedAction {
  return { kind: 'approval', target: host.name, command: 'fence skipped: an operator approved going on without it', run: async () => ({ ok: true, note: 'vouched for by the operator who approved' }) };
}

function refuse(reason: string) {
  return {
    refusal: reason,
    actions: [{ kind: 'mysql' as const, target: 'group', command: `refuse: ${reason}`, run: async () => ({ ok: false, note: reason }) }],
    async execute() {
      return { ok: false, error: `promotion refused: ${reason}` };
    },
  };
}

/**
 * Re-attaches a former primary (already read-only) as a replica of the group's current primary, from its own binlog
 * position. A former primary that wrote transactions the new primary never received (errant GTIDs) cannot follow it:
 * replication stops with the server's own error, and the step fails with it for an operator, changing nothing else.
 */
export const mysqlReattachStep: StepHandler = {
  type: 'mysql.reattach',
  fields: {
    host: hostRef(),
    primary: hostRef().optional(),
    timeout: duration().optional(),
  },
  idempotent: () => true,
  async plan(w, ctx, path) {
    if (ctx.resource?.kind !== 'mysql_group') throw new StepInputError(`${path}.host`, 'mysql.reattach needs a MySQL group resource');
    const { admin, repl } = mysqlCredentials(ctx, path);
    const host = await ctx.resolveHost(w.host, `${path}.host`, false);
    const primary = await ctx.resolveHost(w.primary ?? ctx.resource.primaryHostId, `${path}.primary`, false);
    if (primary.id === host.id) throw new StepInputError(`${path}.host`, `${host.name} is the primary`);
    const waitSeconds = Math.round(durationField(w.timeout, 20_000) / 1000);
    const target: MysqlTarget = { ...admin, host: host.address };
    const action: PlannedAction = {
      kind: 'mysql',
      target: `${host.name} (${host.address}:${admin.port})`,
      command: `SET GLOBAL read_only = ON; ${repointShown(primary.address, admin.port, repl.user, true)}`,
      async run(io) {
        const s = await MysqlAdmin.connect(target, CONNECT_MS);
        const stop = s.abortOn(io.signal);
        try {
          await s.setReadOnly(true);
          await s.replicateFrom({ host: primary.address, port: admin.port, user: repl.user, password: repl.password }, true);
          // Monotonic: a deadline on real waits (setTimeout), not a time of day; a wall-clock step must not end it early or late.
          const deadline = performance.now() + waitSeconds * 1000;
          for (;;) {
            const replica = (await s.state()).replica;
            if (replica?.ioRunning && replica.sqlRunning) return { ok: true, note: `${host.name} replicates from ${primary.name}` };
            const error = replica?.lastIoError || replica?.lastSqlError;
            if (error || performance.now() > deadline) return { ok: false, note: `${host.name} cannot follow ${primary.name}: ${error || 'replication did not start'}` };
            await new Promise((r) => setTimeout(r, 250));
          }
        } finally {
          stop();
          await s.close();
        }
      },
    };
    return sequential([action]);
  },
};

/**
 * Checks that every member of the group (but `except`, the failed primary a failover just left) boots read-only
 * (`my_print_defaults --mysqld`) and, when the group's writer address has an interface, has `arp_announce` 2 on it
 * (`sysctl`): over SSH, side by side. Never fails the run (the takeover is
 * done by now); each member's verdict is a line of the run and the member's warning on the resource.
 */
export const mysqlBootConfigStep: StepHandler = {
  type: 'mysql.boot-config',
  fields: {
    except: hostRef().optional(),
  },
  idempotent: () => true,
  async plan(w, ctx, path) {
    if (ctx.resource?.kind !== 'mysql_group') throw new StepInputError(`${path}.except`, 'mysql.boot-config needs a MySQL group resource');
    const except = w.except === undefined || w.except === null || w.except === '' ? undefined : await ctx.resolveHost(w.except, `${path}.except`, false);
    const hosts = await Promise.all(ctx.resource.members.filter((m) => m.hostId !== except?.id).map((m) => ctx.resolveHost(m.hostId, `${path}.members`, false)));
    const checks = hosts.map((host) => ({ host, actions: host.ssh ? memberSafetyActions(host, ctx.resource!.config.writerInterface, `${path}.members`) : [] }));
    return {
      actions: checks.flatMap((c) => c.actions),
      async execute(exec) {
        const warnings: Record<string, string> = {};
        await Promise.all(checks.map(async ({ host, actions }) => {
          const results = actions.length ? await Promise.all(actions.map((a) => exec.perform(a))) : [{ ok: false, note: `not checked: ${host.sshProblem ?? 'no SSH access'}` }];
          const warning = memberWarning(results);
          if (warning) warnings[host.name] = warning;
          await exec.effects.setMemberWarning(host.id, warning);
        }));
        return { ok: true, outputs: { warnings } };
      },
    };
  },
};
