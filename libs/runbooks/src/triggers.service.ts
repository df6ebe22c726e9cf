import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { type Incident, IncidentsService } from '#lib/incidents';
import type { StepDef } from './document/definition.js';
import { PlanContextFactory } from './engine/plan-context.js';
import { RunNotices } from './engine/run-notices.js';
import { replicasConfirmLoss } from './mysql-detection.js';
import { tcpAnswers } from './reachable.js';
import { type Hypervisor, placeVm } from './vm-placement.js';
import { Host } from '#lib/inventory';
import { FailbackPolicy, Resource, ResourceKind, type ResourceMember } from './entities/resource.entity.js';
import { Runbook } from './entities/runbook.entity.js';
import { RunStatus } from './entities/run.entity.js';
import { RunsService } from './runs.service.js';

const SWEEP_MS = 1000;
/** A returning member's first-contact check: a host on the network answers a SYN in milliseconds. */
const FIRST_CONTACT_MS = 500;
/** After a fence run started for a member, the next one no sooner than this (a failed run is retried, not spun). */
const RETRY_MS = 5000;
const SSH_ONLY_RETRY_MS = 60_000;

/**
 * Decides when runbooks run: a member's incident (failover or drain), a member back and healthy for the hold time
 * (fence it if it was not fenced, then failback or restore per policy), and schedules. Decisions go on the
 * incident's timeline, including the ones not to act ("standby down", "cooldown", "no healthy standby").
 */
@Injectable()
export class RunbookTriggers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RunbookTriggers');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  /** When a fence run last started per resource and member (this watchdog's memory; a restart just retries sooner). */
  private readonly fenceStarted = new Map<string, number>();

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(Runbook) private readonly runbooks: Repository<Runbook>,
    @InjectRepository(Host) private readonly hosts: Repository<Host>,
    private readonly incidents: IncidentsService,
    private readonly runs: RunsService,
    private readonly notices: RunNotices,
    private readonly dataSource: DataSource,
    private readonly contexts: PlanContextFactory,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.sweeping) this.sweeping = this.sweep().catch((e: unknown) => this.logger.warn(`sweep: ${(e as Error).message}`)).finally(() => (this.sweeping = undefined));
    }, SWEEP_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** An incident opened (from the incident outbox). Idempotent: a resource already run for this incident is skipped. */
  async incidentOpened(incident: Incident): Promise<void> {
    if (incident.suppressed || incident.planned) return;
    for (const resource of await this.resourcesWith(incident.tenantId, incident.hostId)) {
      const member = resource.members.find((m) => m.hostId === incident.hostId)!;
      if (member.monitorIds.length && !member.monitorIds.includes(incident.monitorId)) continue;
      if (await this.ranFor(incident.id, resource.id)) continue;
      await this.onMemberDown(resource, member, incident);
    }
  }

  /** A run this incident already started on this resource (a replay of the outbox after a crash must not start another). */
  private async ranFor(incidentId: string, resourceId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query("SELECT 1 FROM runbook_runs WHERE incident_id = $1 AND resource_id = $2 AND trigger = 'incident' LIMIT 1", [incidentId, resourceId]);
    return rows.length > 0;
  }

  private async onMemberDown(resource: Resource, member: ResourceMember, incident: Incident): Promise<void> {
    const say = (text: string) => this.notices.note(resource.tenantId, incident.id, `${resource.name}: ${text}`);
    if (!resource.runbookId) return say('no failure runbook bound; nothing run');
    if (resource.kind === ResourceKind.lb_pool) {
      if (resource.drained.includes(member.hostId)) return;
      return this.launch(resource, resource.runbookId, { member: member.hostId }, 'incident', incident.id, say);
    }
    if (resource.primaryHostId !== member.hostId) return say('a standby is down; the primary is unaffected, no failover');
    if (resource.kind === ResourceKind.mysql_group) {
      // Confirmation polls the replicas for a while: it must not hold up the watchdog's incident path.
      void this.confirmMysqlPrimaryDead(resource, member, incident, say).catch((e: unknown) => say(`holistic check failed: ${(e as Error).message}`));
      return;
    }
    if (resource.kind === ResourceKind.vm) return this.onHypervisorDown(resource, member, incident, say);
    const candidate = await this.healthyStandby(resource, member.hostId);
    if (!candidate) return say('no healthy standby to fail over to; an operator must act');
    await this.launch(resource, resource.runbookId, { from: member.hostId, to: candidate }, 'incident', incident.id, say);
  }

  /** A dead hypervisor's VM starts on the first healthy member with room and no VM of its anti-affinity group. */
  private async onHypervisorDown(resource: Resource, member: ResourceMember, incident: Incident, say: (t: string) => Promise<void>): Promise<void> {
    const open = await this.incidents.openOnHosts(resource.tenantId, resource.members.map((m) => m.hostId));
    const hosts = await this.hosts.find({ where: resource.members.map((m) => ({ id: m.hostId, tenantId: resource.tenantId })) });
    const candidates: Hypervisor[] = resource.members.map((m) => {
      const host = hosts.find((h) => h.id === m.hostId);
      return { hostId: m.hostId, name: host?.name ?? m.hostId, tags: host?.tags ?? [], healthy: !!host && !open.some((i) => i.hostId === m.hostId) };
    });
    const vms = await this.resources.find({ where: { tenantId: resource.tenantId, kind: ResourceKind.vm } });
    const placed = vms.map((v) => ({ resourceId: v.id, hostId: v.primaryHostId, memoryMb: Number(v.config.memoryMb ?? 0), antiAffinity: v.config.antiAffinity as string | undefined }));
    const outcome = placeVm(placed.find((p) => p.resourceId === resource.id)!, candidates, placed);
    if ('refused' in outcome) return say(`VM not restarted: ${outcome.refused}`);
    await this.launch(resource, resource.runbookId!, { from: member.hostId, to: outcome.hostId }, 'incident', incident.id, say);
  }

  /** A MySQL primary is failed over only once its replicas confirm they lost it too (within `confirmSeconds`). */
  private async confirmMysqlPrimaryDead(resource: Resource, member: ResourceMember, incident: Incident, say: (t: string) => Promise<void>): Promise<void> {
    const deadline = Date.now() + Number(resource.config.confirmSeconds ?? 30) * 1000;
    const ctx = this.contexts.create(resource.tenantId, resource, { incidentId: incident.id });
    let last: string;
    for (;;) {
      const verdict = await replicasConfirmLoss(ctx, member.hostId);
      last = verdict.evidence;
      if (verdict.dead) {
        await say(`primary confirmed dead by its replicas (${verdict.evidence})`);
        return this.launch(resource, resource.runbookId!, { from: member.hostId }, 'incident', incident.id, say);
      }
      const open = await this.incidents.openIncidentOf(incident.monitorId);
      if (!open || open.id !== incident.id || Date.now() > deadline || (!verdict.dead && verdict.final)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await say(`no failover: the primary is unreachable from Vigia, but its replicas do not confirm it is dead (${last})`);
  }

  private async launch(resource: Resource, runbookId: string, params: Record<string, unknown>, trigger: 'incident' | 'failback' | 'recovery', incidentId: string | null, say: (t: string) => Promise<void>): Promise<void> {
    const outcome = await this.runs.start({ tenantId: resource.tenantId, runbookId, resourceId: resource.id, params, trigger, actor: 'watchdog', incidentId });
    // Refused because this very incident's run took the resource an instant ago (two deliveries of one incident
    // racing): that run is the answer, not a refusal worth a timeline line.
    if ('refused' in outcome && trigger === 'incident' && incidentId && (await this.ranFor(incidentId, resource.id))) return;
    if ('refused' in outcome) return say(`run not started: ${outcome.refused}`);
    // A run held for approval needs a person now: it is paged like a run that failed.
    if (outcome.run.status === RunStatus.waiting_approval) await this.notices.runEnded(outcome.run, RunStatus.waiting_approval, outcome.run.statusReason);
    else await say(`runbook ${outcome.run.runbookName} run ${outcome.run.id} started (${trigger})`);
  }

  private resourcesWith(tenantId: string, hostId: string): Promise<Resource[]> {
    return this.resources.createQueryBuilder('r').where('r.tenant_id = :tenantId AND r.members @> :m::jsonb', { tenantId, m: JSON.stringify([{ hostId }]) }).getMany();
  }

  /** The first member in preference order, other than the failed one, with no open incident on its monitors. */
  private async healthyStandby(resource: Resource, failed: string): Promise<string | undefined> {
    const open = await this.incidents.openOnHosts(resource.tenantId, resource.members.map((m) => m.hostId));
    return resource.members.find((m) => m.hostId !== failed && !open.some((i) => i.hostId === m.hostId && (m.monitorIds.length === 0 || m.monitorIds.includes(i.monitorId))))?.hostId;
  }

  /** Healthy: no open incident on the member's monitors, and the last recovery at least `holdMs` ago. */
  private async healthyFor(resource: Resource, member: ResourceMember, holdMs: number): Promise<boolean> {
    const open = await this.incidents.openOnHosts(resource.tenantId, [member.hostId]);
    if (open.some((i) => member.monitorIds.length === 0 || member.monitorIds.includes(i.monitorId))) return false;
    const recovered = await this.incidents.lastRecoveryOn(resource.tenantId, member.hostId, member.monitorIds);
    return !recovered || Date.now() - recovered.getTime() >= holdMs;
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
    });
  }

  private async recover(resource: Resource): Promise<void> {
    const say = (text: string) => this.notices.note(resource.tenantId, null, `${resource.name}: ${text}`);
    for (const hostId of resource.fencePending) {
      const member = resource.members.find((m) => m.hostId === hostId);
      const method = resource.kind === ResourceKind.mysql_group ? 'mysql' : resource.kind === ResourceKind.vip_group ? 'vip' : undefined;
      if (!member || !method) continue;
      // Back on the network with the address it held: fenced at the first sign of life, before anything else and
      // whatever the failback policy — not once its monitor's incident has closed, seconds after it began serving.
      const contact = await this.firstContact(resource, hostId, method);
      if (!contact) continue;
      // A returning old MySQL primary is made read-only and never writable again; with failback "auto" it is then
      // re-attached as a replica of the new primary (refused, with the server's reason, if it has errant writes).
      const steps: StepDef[] = [{ name: 'fence', type: 'fence', with: { host: '{{ params.host }}', method }, on_failure: 'abort' }];
      if (method === 'mysql' && resource.failback === FailbackPolicy.auto) steps.push({ name: 'reattach', type: 'mysql.reattach', with: { host: '{{ params.host }}' }, on_failure: 'abort' });
      const outcome = await this.runs.start({
        tenantId: resource.tenantId, resourceId: resource.id, params: { host: hostId }, trigger: 'fence', actor: 'watchdog',
        definition: { name: 'vigia/fence-returning-member', description: 'Fence a member that was unreachable when it was replaced', params: { host: { type: 'host', required: true } }, steps },
      });
      if ('run' in outcome) {
        this.fenceStarted.set(`${resource.id}:${hostId}`, Date.now());
        await say(`member back (${contact}); run ${outcome.run.id} fences it (${method})`);
      }
      return;
    }
    if (resource.kind === ResourceKind.lb_pool && resource.recoveryRunbookId) {
      for (const hostId of resource.drained) {
        const member = resource.members.find((m) => m.hostId === hostId);
        if (member && (await this.healthyFor(resource, member, resource.failbackHoldSeconds * 1000))) {
          return this.launch(resource, resource.recoveryRunbookId, { member: hostId }, 'recovery', null, say);
        }
      }
      return;
    }
    const preferred = resource.members[0];
    // A former MySQL primary is never made writable again by Vigia: re-attaching it is an operator's runbook.
    if (resource.kind === ResourceKind.mysql_group) return;
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
  private async firstContact(resource: Resource, hostId: string, method: 'mysql' | 'vip'): Promise<string | undefined> {
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
    if (mysqlUp && Date.now() - last >= RETRY_MS) return `its MySQL port ${port} answers`;
    if (sshUp && Date.now() - last >= (method === 'mysql' ? SSH_ONLY_RETRY_MS : RETRY_MS)) return `its SSH port ${ssh!.port} answers`;
    return undefined;
  }

  private async schedules(): Promise<void> {
    const due: Runbook[] = await this.runbooks.createQueryBuilder('b').where('b.next_run_at <= now() AND b.schedule_every_minutes IS NOT NULL').getMany();
    for (const runbook of due) {
      await this.runbooks.update({ id: runbook.id }, { nextRunAt: new Date(Date.now() + runbook.scheduleEveryMinutes! * 60_000) });
      const outcome = await this.runs.start({ tenantId: runbook.tenantId, runbookId: runbook.id, resourceId: runbook.scheduleResourceId, params: {}, trigger: 'schedule', actor: 'schedule' });
      if ('refused' in outcome) this.logger.warn(`scheduled run of ${runbook.name} not started: ${outcome.refused}`);
    }
  }
}
