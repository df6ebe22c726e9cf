import { type EgressGuard, excerpt } from '#lib/egress';
import { haproxyAccepted, haproxyCommand, parseServersState } from '#lib/executors';
import { sshAction } from './actions.js';
import { type PlanContext, type PlannedAction, type ResolvedHost, type StepHandler, StepInputError } from './step.js';
import { hostRef, int } from './step-fields.js';

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

interface PoolMember {
  host: ResolvedHost;
  server: string;
  weight: number;
}

async function member(w: Record<string, unknown>, ctx: PlanContext, path: string): Promise<PoolMember> {
  const host = await ctx.resolveHost(w.member, `${path}.member`, false);
  const entry = ctx.resource?.members.find((m) => m.hostId === host.id);
  if (!entry) throw new StepInputError(`${path}.member`, `${host.name} is not a member of this pool`);
  const server = entry.value ?? host.name;
  if (!NAME.test(server)) throw new StepInputError(`${path}.member`, `server name ${JSON.stringify(server)} is not valid`);
  return { host, server, weight: typeof w.weight === 'number' ? w.weight : entry.weight ?? 1 };
}

function haproxyAction(address: string, command: string, egress: EgressGuard): PlannedAction {
  return {
    kind: 'haproxy',
    target: address,
    command,
    async run() {
      const answer = await haproxyCommand(address, command, 5000, egress);
      // Only an excerpt of what the runtime API answered is kept in the run (and shown to the tenant).
      return { ok: haproxyAccepted(answer), stdout: excerpt(answer), note: excerpt(answer, 200) || undefined };
    },
  };
}

function stateCheck(address: string, backend: string, server: string, wantMaintenance: boolean, egress: EgressGuard): PlannedAction {
  const command = `show servers state ${backend}`;
  return {
    kind: 'haproxy',
    target: address,
    command,
    async run() {
      const answer = await haproxyCommand(address, command, 5000, egress);
      const state = parseServersState(answer).find((s) => s.server === server);
      if (!state) return { ok: false, stdout: excerpt(answer), note: `server ${backend}/${server} not found` };
      const ok = state.maintenance === wantMaintenance;
      return { ok, stdout: excerpt(answer), note: `${backend}/${server} ${state.maintenance ? 'in maintenance' : 'ready'}, weight ${state.weight}` };
    },
  };
}

/**
 * Takes a real server out of a load-balancer pool or puts it back with its weight, as ldirectord does for LVS:
 * HAProxy's runtime API (`set server … state maint|ready`, `set weight`, then read the state back), or `ipvsadm`
 * on the director over SSH (weight 0 quiesces: no new connections, existing ones finish).
 */
function poolStep(type: 'pool.drain' | 'pool.restore'): StepHandler {
  const drain = type === 'pool.drain';
  return {
    type,
    fields: drain ? { member: hostRef() } : { member: hostRef(), weight: int(0, 256).optional() },
    idempotent: () => true,
    async plan(w, ctx, path) {
      const config = ctx.resource?.config ?? {};
      if (ctx.resource?.kind !== 'lb_pool') throw new StepInputError(`${path}.member`, `${type} needs a load-balancer pool resource`);
      const m = await member(w, ctx, path);
      let actions: PlannedAction[];
      if (config.driver === 'ipvs') {
        const director = await ctx.resolveHost(config.director, `${path}.director`, true);
        const service = String(config.service ?? '');
        const port = Number(config.port ?? 80);
        if (!/^\d+\.\d+\.\d+\.\d+:\d+$/.test(service)) throw new StepInputError(`${path}.service`, 'the pool needs service as VIP:port');
        actions = [sshAction(director, ['ipvsadm', '-e', '-t', service, '-r', `${m.host.address}:${port}`, '-w', String(drain ? 0 : m.weight)], `${path}.director`, { timeoutMs: 10_000 })];
      } else {
        const address = String(config.runtimeApi ?? '');
        const backend = String(config.backend ?? '');
        if (!/^(tcp:\/\/[^\s]+:\d+|unix:\/[^\s]+)$/.test(address)) throw new StepInputError(`${path}.runtimeApi`, 'the pool needs runtimeApi as tcp://host:port or unix:/path');
        if (!NAME.test(backend)) throw new StepInputError(`${path}.backend`, 'the pool needs a backend name');
        const target = `${backend}/${m.server}`;
        actions = drain
          ? [haproxyAction(address, `set server ${target} state maint`, ctx.egress), stateCheck(address, backend, m.server, true, ctx.egress)]
          : [haproxyAction(address, `set weight ${target} ${m.weight}`, ctx.egress), haproxyAction(address, `set server ${target} state ready`, ctx.egress), stateCheck(address, backend, m.server, false, ctx.egress)];
      }
      return {
        actions,
        async execute(exec) {
          for (const action of actions) {
            const result = await exec.perform(action);
            if (!result.ok) return { ok: false, error: `${action.command} failed: ${result.note ?? result.stderr?.trim() ?? `exit ${result.exitCode}`}` };
          }
          await exec.effects.setDrained(m.host.id, drain);
          return { ok: true };
        },
      };
    },
  };
}

export const poolDrainStep = poolStep('pool.drain');
export const poolRestoreStep = poolStep('pool.restore');
