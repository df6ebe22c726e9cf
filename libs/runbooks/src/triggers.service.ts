import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { MonitorHealth } from '#lib/detection';
import { IncidentsService } from '#lib/incidents';
import type { StepDef } from './document/definition.js';
import { PlanContextFactory } from './engine/plan-context.js';
import { RunNotices } from './engine/run-notices.js';
import { tcpAnswers } from './reachable.js';
import { FailbackPolicy, Resource, type ResourceMember } from './entities/resource.entity.js';
import { FailoverReconciler } from './failover-reconciler.js';
import { covers, judgeMember } from './resources/member-health.js';
import { kindOf } from './resources/resource-kinds.js';
import { Runbook } from './entities/runbook.entity.js';
import { RunStatus } from './entities/run.entity.js';
import { RunsService } from './runs.service.js';

const SWEEP_MS = 1000;
/** How often suspect MySQL primaries are looked for: the replicas' check should start within this of a first failure. */
const SUSPECT_POLL_MS = 250;
/** A returning member's first-contact check: a host on the network answers a SYN in milliseconds. */
const FIRST_CONTACT_MS = 500;
/** After a fence run started for a member, the next one no sooner than this (a failed run is retried, not spun). */
const RETRY_MS = 5000;
const SSH_ONLY_RETRY_MS = 60_000;

/**
 * The runbooks' one-second sweep: a member back and healthy for the hold time (fence it if it was not fenced, then
 * failback or restore per policy), schedules, and the failover reconciler (`FailoverReconciler`: a member's outage,
 * re-evaluated until the service is whole).
 */
@Injectable()
export class RunbookTriggers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RunbookTriggers');
  private readonly loop = new PeriodicWorker('runbook triggers', () => this.sweep(), { everyMs: SWEEP_MS, onError: (e) => this.logger.warn(`sweep: ${(e as Error).message}`) });
  private readonly suspects = new PeriodicWorker('suspect MySQL primaries', () => this.failovers.precheckSuspects(), { everyMs: SUSPECT_POLL_MS, onError: (e) => this.logger.warn(`suspect primaries: ${(e as Error).message}`) });
  /** When a fence run last started per resource and member (this watchdog's memory; a restart just retries sooner). */
  private readonly fenceStarted = new Map<string, number>();

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(Runbook) private readonly runbooks: Repository<Runbook>,
    private readonly incidents: IncidentsService,
    private readonly runs: RunsService,
    private readonly notices: RunNotices,
    private readonly dataSource: DataSource,
    private readonly failovers: FailoverReconciler,
    private readonly contexts: PlanContextFactory,
    private readonly health: MonitorHealth,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
    this.suspects.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.loop.stop(), this.suspects.stop()]);
    await this.failovers.drain();
  }

  private async launch(resource: Resource, runbookId: string, params: Record<string, unknown>, trigger: 'incident' | 'failback' | 'recovery', incidentId: string | null, say: (t: string) => Promise<void>): Promise<void> {
    const outcome = await this.runs.start({ tenantId: resource.tenantId, runbookId, resourceId: resource.id, params, trigger, actor: 'watchdog', incidentId });
    if ('refused' in outcome) return say(`run not started: ${outcome.refused}`);
    // A run held for approval needs a person now: it is paged like a run that failed.
    if (outcome.run.status === RunStatus.waiting_approval) await this.notices.runEnded(outcome.run, RunStatus.waiting_approval, outcome.run.statusReason);
    else await say(`runbook ${outcome.run.runbookName} run ${outcome.run.id} started (${trigger})`);
  }

  /**
   * Healthy for `holdMs`: fit (no open incident on the member's monitors, every one of them up or degraded — not
   * suspect, not unknown: a member nobody can see is not given service back), each of them so for the hold time, and
   * the last recovery at least the hold time ago.
   */
  private async healthyFor(resource: Resource, member: ResourceMember, holdMs: number): Promise<boolean> {
    const [open, health] = await Promise.all([this.incidents.openOnHosts(resource.tenantId, [member.hostId]), this.health.ofHosts(resource.tenantId, [member.hostId])]);
    if (judgeMember(member, open, health).fitness !== 'fit') return false;
    const now = this.clock.now().getTime();
    if (health.some((h) => covers(member, h) && now - h.since.getTime() < holdMs)) return false;
    const recovered = await this.incidents.lastRecoveryOn(resource.tenantId, member.hostId, member.monitorIds);
    return !recovered || now - recovered.getTime() >= holdMs;
  }

  /** One replica at a time (advisory lock); starting a run is itself safe against doubles (unique active run). */
  async sweep(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', ['vigia:runbook-triggers']);
      if (!locked) return;
      const candidates = await this.resources.createQueryBuilder('r')
        .where("cardinality(r.fence_pending) > 0 OR cardinality(r.drained) > 0 OR (r.failback = 'auto' AND r.primary_host_id IS DISTINCT FROM (r.members->0->>'hostId')::uuid)")
        .getMany();
      for (const resource of candidates) await this.recover(resource);
      await this.schedules();
      // Failovers are standing decisions: every open outage of a primary is looked at again, every sweep.
      await this.failovers.reconcileAll();
    });
  }

  private async recover(resource: Resource): Promise<void> {
    const say = (text: string) => this.notices.note(resource.tenantId, null, `${resource.name}: ${text}`);
    const kind = kindOf(resource);
    for (const hostId of resource.fencePending) {
      const member = resource.members.find((m) => m.hostId === hostId);
      const method = kind.fenceReturning?.method;
      if (!member || !method) continue;
      // Back on the network with the address it held: fenced at the first sign of life, before anything else and
      // whatever the failback policy — not once its monitor's incident has closed, seconds after it began serving.
      const contact = await this.firstContact(resource, hostId, method);
      if (!contact) continue;
      // Fenced by the kind's method; a kind that re-attaches (a MySQL group) does so after it when failback is "auto".
      const steps: StepDef[] = [{ name: 'fence', type: 'fence', with: { host: '{{ params.host }}', method }, on_failure: 'abort' }];
      const reattach = kind.fenceReturning?.reattach;
      if (reattach && resource.failback === FailbackPolicy.auto) steps.push({ name: 'reattach', type: reattach, with: { host: '{{ params.host }}' }, on_failure: 'abort' });
      const outcome = await this.runs.start({
        tenantId: resource.tenantId, resourceId: resource.id, params: { host: hostId }, trigger: 'fence', actor: 'watchdog',
        definition: { name: 'vigia/fence-returning-member', description: 'Fence a member that was unreachable when it was replaced', params: { host: { type: 'host', required: true } }, steps },
      });
      if ('run' in outcome) {
        this.fenceStarted.set(`${resource.id}:${hostId}`, this.clock.now().getTime());
        await say(`member back (${contact}); run ${outcome.run.id} fences it (${method})`);
      }
      return;
    }
    if (kind.onMemberBack === 'restore' && resource.recoveryRunbookId) {
      for (const hostId of resource.drained) {
        const member = resource.members.find((m) => m.hostId === hostId);
        if (member && (await this.healthyFor(resource, member, resource.failbackHoldSeconds * 1000))) {
          return this.launch(resource, resource.recoveryRunbookId, { member: hostId }, 'recovery', null, say);
        }
      }
      return;
    }
    const preferred = resource.members[0];
    // Some kinds never fail back (a former MySQL primary is not made writable again by Vigia).
    if (kind.onMemberBack === 'never') return;
    if (resource.failback !== FailbackPolicy.auto || !preferred || !resource.runbookId || resource.primaryHostId === preferred.hostId) return;
    if (resource.fencePending.length) return;
    if (!(await this.healthyFor(resource, preferred, resource.failbackHoldSeconds * 1000))) return;
    await this.launch(resource, resource.runbookId, { from: resource.primaryHostId, to: preferred.hostId }, 'failback', null, say);
  }

  /**
   * Whether a fence-pending member shows a sign of life now: its MySQL port (MySQL groups) or its SSH port answers a
   * TCP connection within FIRST_CONTACT_MS, tried side by side every sweep. A MySQL port that answers is fenced at
   * once (read_only is one round trip); SSH alone (mysqld not up yet) is tried again only every SSH_ONLY_RETRY_MS,
   * so a host whose server stays down is not given a failing fence run every second.
   */
  private async firstContact(resource: Resource, hostId: string, method: 'mysql' | 'vip' | 'vm'): Promise<string | undefined> {
    const ctx = this.contexts.create(resource.tenantId, resource);
    const host = await ctx.resolveHost(hostId, 'member', false).catch(() => undefined);
    if (!host) return undefined;
    const port = Number(resource.config.port ?? 3306);
    // Through a bastion the SSH port is not Vigia's to try: the MySQL port (or the monitors) must tell.
    const ssh = host.ssh && !host.ssh.jump ? host.ssh : undefined;
    const [mysqlUp, sshUp] = await Promise.all([
      method === 'mysql' ? tcpAnswers(ctx.egress, host.address, port, FIRST_CONTACT_MS) : false,
      ssh ? tcpAnswers(ctx.egress, ssh.host, ssh.port, FIRST_CONTACT_MS) : false,
    ]);
    const last = this.fenceStarted.get(`${resource.id}:${hostId}`) ?? 0;
    if (mysqlUp && this.clock.now().getTime() - last >= RETRY_MS) return `its MySQL port ${port} answers`;
    if (sshUp && this.clock.now().getTime() - last >= (method === 'mysql' ? SSH_ONLY_RETRY_MS : RETRY_MS)) return `its SSH port ${ssh!.port} answers`;
    return undefined;
  }

  private async schedules(): Promise<void> {
    const now = this.clock.now();
    const due: Runbook[] = await this.runbooks.createQueryBuilder('b').where('b.next_run_at <= :now AND b.schedule_every_minutes IS NOT NULL', { now }).getMany();
    for (const runbook of due) {
      await this.runbooks.update({ id: runbook.id }, { nextRunAt: new Date(now.getTime() + runbook.scheduleEveryMinutes! * 60_000) });
      const outcome = await this.runs.start({ tenantId: runbook.tenantId, runbookId: runbook.id, resourceId: runbook.scheduleResourceId, params: {}, trigger: 'schedule', actor: 'schedule' });
      if ('refused' in outcome) this.logger.warn(`scheduled run of ${runbook.name} not started: ${outcome.refused}`);
    }
  }
}
