import { MysqlAdmin, shellCommand, sshExec } from '#lib/executors';
import { mysqlCredentials } from './steps/mysql.step.js';
import type { PlanContext, ResolvedHost } from './steps/step.js';

export type Verdict = { dead: true; evidence: string } | { dead: false; evidence: string; final: boolean };

/**
 * How long a replica's host may try to open a TCP connection to the primary: a live primary answers a SYN in
 * milliseconds (a replica in another region in tens), so a second is generous, and it is a second of the failover.
 */
export const DIRECT_CONNECT_SECONDS = 1;
/** The whole SSH round trip (key exchange, shell, the attempt above): a replica host slower than this gives no answer. */
const DIRECT_SSH_MS = 4000;

/**
 * A fixed bash script: the address and port are its positional arguments, never part of the code, so nothing in a
 * host's address can become shell syntax. `timeout` bounds the attempt; bash's /dev/tcp is a plain connect().
 */
export function directConnectArgv(address: string, port: number): string[] {
  return ['timeout', String(DIRECT_CONNECT_SECONDS), 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'vigia-connect', address, String(port)];
}

type Direct = { outcome: 'connected' } | { outcome: 'failed'; why: string } | { outcome: 'unknown'; why: string };

/** From the replica's host: can it open a TCP connection to the primary's MySQL port right now? */
async function connectFrom(host: ResolvedHost, address: string, port: number): Promise<Direct> {
  if (!host.ssh) return { outcome: 'unknown', why: host.sshProblem ?? 'no SSH access' };
  try {
    const result = await sshExec(host.ssh, shellCommand(directConnectArgv(address, port)), DIRECT_SSH_MS);
    if (result.exitCode === 0) return { outcome: 'connected' };
    if (result.exitCode === 124) return { outcome: 'failed', why: `no answer within ${DIRECT_CONNECT_SECONDS} s` };
    const said = result.stderr.trim().split('\n').at(-1)?.replace(/^.*?: line \d+: /, '').replace(/^.*\/dev\/tcp\/[^:]*: /, '') ?? '';
    // bash prints the kernel's reason (Connection refused, No route to host); exit 127 is a host without bash/timeout.
    if (result.exitCode === 1 && /refused|no route|unreachable|timed out/i.test(said)) return { outcome: 'failed', why: said };
    return { outcome: 'unknown', why: `could not try (exit ${result.exitCode}${said ? `: ${said}` : ''})` };
  } catch (error) {
    return { outcome: 'unknown', why: `SSH: ${(error as Error).message}` };
  }
}

type Io = { kind: 'connected' } | { kind: 'lost'; detail: string } | { kind: 'elsewhere' } | { kind: 'unreachable'; why: string };

async function ioThread(host: ResolvedHost, admin: ReturnType<typeof mysqlCredentials>['admin'], source: string): Promise<Io> {
  try {
    const session = await MysqlAdmin.connect({ ...admin, host: host.address }, 2000);
    try {
      const replica = (await session.state()).replica;
      if (!replica || replica.source !== source) return { kind: 'elsewhere' };
      if (replica.ioRunning) return { kind: 'connected' };
      return { kind: 'lost', detail: `IO ${replica.ioState}${replica.lastIoError ? `: ${replica.lastIoError}` : ''}` };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { kind: 'unreachable', why: (error as Error).message };
  }
}

/**
 * Orchestrator's holistic check: Vigia cannot reach the primary, but is it dead? Only when its replicas agree. Each
 * replica's host tries a TCP connection to the primary's MySQL port itself (over SSH, a short deadline): a failed
 * attempt is that replica's confirmation at once, where its IO thread would notice only at `slave_net_timeout`
 * (60 s by default). The IO thread is the second signal: a replica whose host could not be asked confirms when its
 * IO thread has lost the primary. Any replica whose host still connects, or whose IO thread is still connected
 * while its host cannot be asked, means the primary is unreachable from Vigia only: no failover.
 */
export async function replicasConfirmLoss(ctx: PlanContext, primaryId: string): Promise<Verdict> {
  const { admin } = mysqlCredentials(ctx, 'config');
  const primary = await ctx.resolveHost(primaryId, 'primary', false);
  const source = `${primary.address}:${admin.port}`;
  const replicas = await Promise.all(ctx.resource!.members.filter((m) => m.hostId !== primaryId).map((m) => ctx.resolveHost(m.hostId, 'member', false)));
  // Both signals of every replica at once: the check costs one SSH round trip plus the connect deadline, not a sum.
  const answers = await Promise.all(replicas.map(async (host) => {
    const [io, direct] = await Promise.all([ioThread(host, admin, source), connectFrom(host, primary.address, admin.port)]);
    return { host, io, direct };
  }));
  const seen: string[] = [];
  let lost = 0;
  let alive = 0;
  for (const { host, io, direct } of answers) {
    const ioText = io.kind === 'connected' ? `IO thread still connected to ${primary.name}`
      : io.kind === 'lost' ? `lost ${primary.name} (${io.detail})`
      : io.kind === 'elsewhere' ? `not replicating from ${primary.name}`
      : `unreachable (${io.why})`;
    if (direct.outcome === 'connected') {
      alive += 1;
      seen.push(`${host.name}: connects to ${primary.name}:${admin.port} directly; ${ioText}`);
    } else if (direct.outcome === 'failed' && io.kind !== 'elsewhere') {
      // Its host cannot reach the primary: confirmed, whatever the IO thread has not noticed yet.
      lost += 1;
      seen.push(`${host.name}: cannot connect to ${primary.name}:${admin.port} (${direct.why}); ${ioText}`);
    } else if (io.kind === 'connected') {
      alive += 1;
      seen.push(`${host.name}: ${ioText}${direct.outcome === 'unknown' ? ` (direct check: ${direct.why})` : ''}`);
    } else if (io.kind === 'lost') {
      lost += 1;
      seen.push(`${host.name}: ${ioText}${direct.outcome === 'unknown' ? ` (direct check: ${direct.why})` : ''}`);
    } else {
      seen.push(`${host.name}: ${ioText} (direct check: ${direct.outcome === 'failed' ? `cannot connect either (${direct.why})` : direct.why})`);
    }
  }
  const evidence = seen.join('; ');
  if (lost > 0 && alive === 0) return { dead: true, evidence };
  return { dead: false, evidence, final: alive === 0 && lost === 0 };
}
