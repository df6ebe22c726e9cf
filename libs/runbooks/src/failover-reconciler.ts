import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { HostMaintenance, MonitorHealth } from '#lib/detection';
import { type Incident, IncidentsService } from '#lib/incidents';
import { InventoryLookup } from '#lib/inventory';
import { PlanContextFactory } from './engine/plan-context.js';
import { RunAnnouncer } from './engine/run-feed.js';
import { RunNotices } from './engine/run-notices.js';
import { Resource } from './entities/resource.entity.js';
import { RunStatus } from './entities/run.entity.js';
import { replicasConfirmLoss, type Verdict } from './mysql-detection.js';
import { RunsService } from './runs.service.js';
import { covers } from './resources/member-health.js';
import type { Decision, PrimaryDown } from './resources/resource-kind.js';
import { kindOf, resourceTypesWhere } from './resources/resource-kinds.js';
import { CLOCK, type Clock } from '#lib/common';

/** A flapping primary's failover waits until it has been down steadily this long (per resource: `config.flapStableSeconds`). */
export const FLAP_STABLE_SECONDS = 60;
/** The window "N losses in 10 min" is counted over: the detector's flap window. */
const FLAP_WINDOW_MS = 10 * 60_000;
/** A replicas' verdict younger than this is reused: the MySQL check is a few round trips per replica. */
const VERDICT_FRESH_MS = 1000;
/** How often a standing "not dead" is asked again when nothing is young any more (a long partition, a long suspect phase). */
const VERDICT_SLOW_MS = 5 * VERDICT_FRESH_MS;
/**
 * "Dead", asked after the outage's first failed probe, stays good this long: the primary's probes have kept failing
 * since (the outage was confirmed after it), so the check started at the first failure is the incident's evidence.
 */
const DEAD_VERDICT_FRESH_MS = 5000;

/** The kinds whose replicas are asked about a suspect primary at its first failed probe (a MySQL group's). */
const ASKS_EARLY = resourceTypesWhere((k) => !!k.asksReplicasEarly);

/** One replicas' check: when it was started, about which primary, and its answer (pending while it runs). */
interface Asked {
  hostId: string;
  startedAt: number;
  at?: number;
  verdict: Promise<Verdict>;
  settled?: Verdict;
}

type Say = (text: string) => Promise<void>;

/**
 * Failover as a standing decision, not a one-shot reaction: whenever an incident on a resource's member opens or
 * is released, and on every sweep while one is open, the resource is re-evaluated until the service is whole or an
 * operator acts. "Not now" (flapping, replicas do not confirm, cooldown, no healthy standby) is recorded on the
 * resource (`decision`), written once on the incident's timeline, paged once, and looked at again next time —
 * a failover held back is delayed, never swallowed.
 */
@Injectable()
export class FailoverReconciler {
  private readonly logger = new Logger('Failover');
  /** One evaluation per resource at a time in this process; a request during one runs once more after it. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly verdicts = new Map<string, Asked>();

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    private readonly inventory: InventoryLookup,
    private readonly incidents: IncidentsService,
    private readonly runs: RunsService,
    private readonly notices: RunNotices,
    private readonly contexts: PlanContextFactory,
    private readonly dataSource: DataSource,
    private readonly announcer: RunAnnouncer,
    private readonly health: MonitorHealth,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly maintenance: HostMaintenance,
  ) {}

  /**
   * The replicas' check of a MySQL primary starts at its first failed probe (the detector's `suspect`), beside the
   * detector's own confirmation, instead of after it: when the outage is confirmed seconds later, the replicas have
   * usually answered already. Only asks; nothing is changed, noted or paged until an incident opens.
   */
  async precheckSuspects(): Promise<void> {
    if (!ASKS_EARLY.length) return;
    const groups = await this.resources.createQueryBuilder('r')
      .where('r.kind IN (:...kinds) AND r.primary_host_id IS NOT NULL AND r.runbook_id IS NOT NULL', { kinds: ASKS_EARLY })
      .getMany();
    if (!groups.length) return;
    const suspects = await this.health.suspectOn([...new Set(groups.map((g) => g.primaryHostId!))]);
    for (const suspect of suspects) {
      for (const resource of groups.filter((g) => g.primaryHostId === suspect.hostId)) {
        const member = resource.members.find((m) => covers(m, suspect));
        if (!member) continue;
        const asked = this.verdicts.get(resource.id);
        // Asked already since this failure began (or being asked), and not long ago: nothing to add. A suspect phase
        // can last (one vantage of two cut off): then every 5 s at most, not every poll. `since` may come from an
        // agent's clock a little ahead of ours: never later than now.
        const began = Math.min(suspect.since.getTime(), this.clock.now().getTime());
        if (asked && asked.hostId === suspect.hostId && asked.startedAt >= began && (!asked.at || this.clock.now().getTime() - asked.at < VERDICT_SLOW_MS)) continue;
        void this.ask(resource, suspect.hostId).verdict.catch(() => undefined);
      }
    }
  }

  /** An incident opened or was released from flap damping (from the outbox): every resource of its host, now. */
  async incidentChanged(incident: Incident, opened: boolean): Promise<void> {
    for (const resource of await this.resourcesWith(incident.tenantId, [incident.hostId])) {
      const member = resource.members.find((m) => m.hostId === incident.hostId)!;
      if (!covers(member, incident)) continue;
      const failover = kindOf(resource).onMemberDown !== 'drain';
      if (opened && failover && resource.primaryHostId !== member.hostId && !incident.planned) {
        await this.notices.note(resource.tenantId, incident.id, `${resource.name}: a standby is down; the primary is unaffected, no failover`);
      }
      await this.reconcile(resource.id);
    }
  }

  /** The sweep: every resource with an open incident on a member, or a standing decision to clear. Does not wait for slow checks. */
  async reconcileAll(): Promise<void> {
    const down = await this.incidents.hostsWithOpenIncidents();
    const byTenant = new Map<string, string[]>();
    for (const d of down) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d.hostId]);
    const ids = new Set<string>();
    for (const [tenantId, hostIds] of byTenant) for (const r of await this.resourcesWith(tenantId, hostIds)) ids.add(r.id);
    for (const r of await this.resources.createQueryBuilder('r').select(['r.id']).where('r.decision_kind IS NOT NULL').getMany()) ids.add(r.id);
    for (const id of ids) void this.reconcile(id);
  }

  /** Evaluations still running (shutdown waits for them). */
  async drain(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** Re-evaluates one resource; concurrent requests fold into one more pass after the running one. */
  reconcile(resourceId: string): Promise<void> {
    const current = this.running.get(resourceId);
    if (current) {
      this.again.add(resourceId);
      return current;
    }
    const pass = (async () => {
      do {
        this.again.delete(resourceId);
        await this.evaluate(resourceId).catch((e: unknown) => this.logger.warn(`evaluating resource ${resourceId}: ${(e as Error).message}`));
      } while (this.again.has(resourceId));
    })().finally(() => this.running.delete(resourceId));
    this.running.set(resourceId, pass);
    return pass;
  }

  private async evaluate(resourceId: string): Promise<void> {
    const resource = await this.resources.findOne({ where: { id: resourceId } });
    if (!resource) return;
    // Read once per evaluation: the outages that trigger (not planned, on a member's monitors) come from it, and so
    // does the health of the standbys and hypervisors.
    const onMembers = await this.incidents.openOnHosts(resource.tenantId, resource.members.map((m) => m.hostId));
    const open = onMembers
      .filter((i) => !i.planned && resource.members.some((m) => m.hostId === i.hostId && covers(m, i)))
      .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
    const onMemberDown = kindOf(resource).onMemberDown;
    if (onMemberDown === 'drain') return this.evaluatePool(resource, open);
    const outage = open.find((i) => i.hostId === resource.primaryHostId);
    if (!outage) return this.settle(resource, undefined, undefined);
    if (await this.handled(resource, outage)) return this.settle(resource, undefined, outage);
    const say: Say = (text) => this.notices.note(resource.tenantId, outage.id, `${resource.name}: ${text}`);
    if (!resource.runbookId) return this.settle(resource, { kind: 'no_runbook', text: 'no failure runbook bound; nothing run, an operator must act', page: true }, outage);
    const actNow = resource.actNowIncidentId === outage.id;
    const downMs = this.clock.now().getTime() - outage.openedAt.getTime();
    if (outage.flapping && !actNow) {
      const stableMs = Number(resource.config.flapStableSeconds ?? FLAP_STABLE_SECONDS) * 1000;
      if (downMs < stableMs) return this.settle(resource, await this.heldForFlapping(resource, outage, stableMs), outage);
    }
    const member = resource.members.find((m) => m.hostId === outage.hostId)!;
    // What to run, or why not, is the kind's (resources/<kind>.kind.ts); what it may ask is answered here.
    const down: PrimaryDown = {
      resource, member, onMembers, downMs, say,
      replicasVerdict: () => this.replicasVerdict(resource, outage),
      memberHealth: () => this.health.ofHosts(resource.tenantId, resource.members.map((m) => m.hostId)),
      memberHosts: () => this.inventory.hostsByIds(resource.tenantId, resource.members.map((m) => m.hostId)),
      sameKind: () => this.resources.find({ where: { tenantId: resource.tenantId, kind: resource.kind } }),
      inMaintenance: () => this.maintenance.hostsIn(resource.tenantId, resource.members.map((m) => m.hostId), this.clock.now()),
    };
    const decided = await onMemberDown(down);
    if (!('start' in decided)) return this.settle(resource, decided, outage);
    const params = decided.start;
    const outcome = await this.runs.start({ tenantId: resource.tenantId, runbookId: resource.runbookId, resourceId: resource.id, params, trigger: 'incident', actor: actNow ? 'watchdog (act now by an operator)' : 'watchdog', incidentId: outage.id, force: actNow });
    if ('refused' in outcome) {
      // Another run took the resource an instant ago (a replica's sweep, this incident's own run): it speaks for itself.
      if (!outcome.refused.startsWith('cooldown')) return;
      return this.settle(resource, { kind: 'cooldown', text: `failover refused: ${outcome.refused}; it runs when the cooldown ends, or now by an operator (act now)`, page: true }, outage);
    }
    await this.settle(resource, undefined, outage);
    if (outcome.run.status === RunStatus.waiting_approval) await this.notices.runEnded(outcome.run, RunStatus.waiting_approval, outcome.run.statusReason);
    // The line's kind ("runbook") first, the resource after: "runbook X run … started for front (incident)", never
    // "front: runbook X …" (the dashboard shows the kind beside the line and drops it from the line's start).
    else await this.notices.note(resource.tenantId, outage.id, startedLine(outcome.run, resource));
  }

  /** Pools: every member down and not drained yet gets its drain, one run at a time (the next sweep takes the next). */
  private async evaluatePool(resource: Resource, open: Incident[]): Promise<void> {
    if (!resource.runbookId) return;
    for (const outage of open) {
      if (resource.drained.includes(outage.hostId) || (await this.ranFor(resource, outage))) continue;
      if (outage.flapping && this.clock.now().getTime() - outage.openedAt.getTime() < Number(resource.config.flapStableSeconds ?? FLAP_STABLE_SECONDS) * 1000) continue;
      const outcome = await this.runs.start({ tenantId: resource.tenantId, runbookId: resource.runbookId, resourceId: resource.id, params: { member: outage.hostId }, trigger: 'incident', actor: 'watchdog', incidentId: outage.id });
      if ('run' in outcome) await this.notices.note(resource.tenantId, outage.id, startedLine(outcome.run, resource));
      return;
    }
  }

  private async heldForFlapping(resource: Resource, outage: Incident, stableMs: number): Promise<Decision> {
    const losses = await this.incidents.outagesSince(outage.monitorId, new Date(this.clock.now().getTime() - FLAP_WINDOW_MS));
    const at = new Date(outage.openedAt.getTime() + stableMs).toISOString().slice(11, 19);
    return {
      kind: 'held_flapping',
      text: `failover held: the primary is flapping (${losses} ${losses === 1 ? 'loss' : 'losses'} in 10 min); it runs once the primary has been down steadily for ${Math.round(stableMs / 1000)} s (at ${at} UTC), or now by an operator (act now)`,
      page: true,
    };
  }

  /**
   * This outage was already answered by a run: one the watchdog started for an incident on the primary since the
   * outage began (running, done, or failed — a failed run pages by itself), or an operator's run of the failure runbook.
   */
  private async handled(resource: Resource, outage: Incident): Promise<boolean> {
    const rows: { status: RunStatus }[] = await this.dataSource.query(
      `SELECT status FROM runbook_runs WHERE resource_id = $1 AND created_at >= $2
          AND (trigger = 'incident' OR (trigger = 'manual' AND runbook_id = $3)) ORDER BY created_at DESC LIMIT 1`,
      [resource.id, outage.openedAt, resource.runbookId],
    );
    return rows.length > 0;
  }

  private async ranFor(resource: Resource, outage: Incident): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query("SELECT 1 FROM runbook_runs WHERE incident_id = $1 AND resource_id = $2 AND trigger = 'incident' LIMIT 1", [outage.id, resource.id]);
    return rows.length > 0;
  }

  /**
   * Records the standing decision: a new one (or a new kind) goes on the timeline once and pages once when it
   * should; the same one again only refreshes its text (evidence changes every poll). None: cleared.
   */
  private async settle(resource: Resource, decision: Decision | undefined, outage: Incident | undefined): Promise<void> {
    if (!decision) {
      if (!resource.decisionKind) return;
      await this.resources.update({ id: resource.id }, { decision: null, decisionKind: null, decisionIncidentId: null, decisionSince: null, decisionPagedAt: null, actNowIncidentId: null });
      await this.announcer.announce({ tenantId: resource.tenantId, runId: '', resourceId: resource.id, kind: 'decision' });
      if (!outage && resource.decisionIncidentId) await this.notices.note(resource.tenantId, resource.decisionIncidentId, `${resource.name}: the primary is no longer down; standing decision cleared (was: ${resource.decision})`);
      return;
    }
    const incident = outage!;
    const same = resource.decisionKind === decision.kind && resource.decisionIncidentId === incident.id;
    const page = decision.page && !(same && resource.decisionPagedAt);
    const text = `${resource.name}: ${decision.text}`;
    await this.resources.update(
      { id: resource.id },
      {
        decision: decision.text,
        decisionKind: decision.kind,
        decisionIncidentId: incident.id,
        ...(same ? {} : { decisionSince: this.clock.now(), decisionPagedAt: null }),
        ...(page ? { decisionPagedAt: this.clock.now() } : {}),
      },
    );
    if (!same) await this.announcer.announce({ tenantId: resource.tenantId, runId: '', resourceId: resource.id, kind: 'decision' });
    if (page) await this.incidents.attention(resource.tenantId, incident.id, 'runbook', text);
    else if (!same) await this.notices.note(resource.tenantId, incident.id, text);
  }

  /**
   * The replicas' opinion of the primary, taken after the outage began (its first failed probe): "dead" stays good
   * for a few seconds, anything else at most a second (every 5 s past `confirmSeconds`, a long partition, so a
   * standing "no failover" does not keep an SSH session per replica open without end). A check still running —
   * started at the first failed probe by `precheckSuspects` — is waited for, not repeated.
   */
  private async replicasVerdict(resource: Resource, outage: Incident): Promise<Verdict> {
    const asked = this.verdicts.get(resource.id);
    const young = this.clock.now().getTime() - outage.openedAt.getTime() < Number(resource.config.confirmSeconds ?? 30) * 1000;
    if (asked && asked.hostId === outage.hostId && asked.startedAt >= outage.openedAt.getTime()) {
      if (!asked.settled) return asked.verdict;
      const age = this.clock.now().getTime() - asked.at!;
      if (age < (asked.settled.dead ? DEAD_VERDICT_FRESH_MS : young ? VERDICT_FRESH_MS : VERDICT_SLOW_MS)) return asked.settled;
    }
    return this.ask(resource, outage.hostId).verdict;
  }

  /** Starts one replicas' check of `primaryId` and remembers it (its answer never throws). */
  private ask(resource: Resource, primaryId: string): Asked {
    const ctx = this.contexts.create(resource.tenantId, resource, {});
    const asked: Asked = {
      hostId: primaryId,
      startedAt: this.clock.now().getTime(),
      verdict: replicasConfirmLoss(ctx, primaryId)
        .catch((e: unknown): Verdict => ({ dead: false, evidence: `the replicas could not be asked: ${(e as Error).message}`, final: false }))
        .then((verdict) => {
          asked.settled = verdict;
          asked.at = this.clock.now().getTime();
          return verdict;
        }),
    };
    this.verdicts.set(resource.id, asked);
    return asked;
  }

  private resourcesWith(tenantId: string, hostIds: string[]): Promise<Resource[]> {
    const query = this.resources.createQueryBuilder('r').where('r.tenant_id = :tenantId', { tenantId });
    query.andWhere(`(${hostIds.map((_, i) => `r.members @> :m${i}::jsonb`).join(' OR ')})`, Object.fromEntries(hostIds.map((hostId, i) => [`m${i}`, JSON.stringify([{ hostId }])])));
    return query.getMany();
  }
}

/** The timeline's line for a run an outage started. */
function startedLine(run: { runbookName: string; id: string }, resource: { name: string }): string {
  return `runbook ${run.runbookName} run ${run.id} started for ${resource.name} (incident)`;
}
