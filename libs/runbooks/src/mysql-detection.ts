import { MysqlAdmin } from '#lib/executors';
import { mysqlCredentials } from './steps/mysql.step.js';
import type { PlanContext } from './steps/step.js';

export type Verdict = { dead: true; evidence: string } | { dead: false; evidence: string; final: boolean };

/**
 * Orchestrator's holistic check: Vigia cannot reach the primary, but is it dead? Only when the replicas agree —
 * every reachable replica of it has lost its IO thread's connection. A replica still replicating means the primary
 * is unreachable from Vigia only: no failover.
 */
export async function replicasConfirmLoss(ctx: PlanContext, primaryId: string): Promise<Verdict> {
  const { admin } = mysqlCredentials(ctx, 'config');
  const primary = await ctx.resolveHost(primaryId, 'primary', false);
  const source = `${primary.address}:${admin.port}`;
  const seen: string[] = [];
  let lost = 0;
  let replicating = 0;
  for (const member of ctx.resource!.members.filter((m) => m.hostId !== primaryId)) {
    const host = await ctx.resolveHost(member.hostId, 'member', false);
    try {
      const session = await MysqlAdmin.connect({ ...admin, host: host.address }, 2000);
      try {
        const replica = (await session.state()).replica;
        if (!replica || replica.source !== source) {
          seen.push(`${host.name}: not replicating from ${primary.name}`);
        } else if (replica.ioRunning) {
          replicating += 1;
          seen.push(`${host.name}: IO thread still connected to ${primary.name}`);
        } else {
          lost += 1;
          seen.push(`${host.name}: lost ${primary.name} (IO ${replica.ioState}${replica.lastIoError ? `: ${replica.lastIoError}` : ''})`);
        }
      } finally {
        await session.close();
      }
    } catch (error) {
      seen.push(`${host.name}: unreachable (${(error as Error).message})`);
    }
  }
  const evidence = seen.join('; ');
  if (lost > 0 && replicating === 0) return { dead: true, evidence };
  return { dead: false, evidence, final: replicating === 0 && lost === 0 };
}
