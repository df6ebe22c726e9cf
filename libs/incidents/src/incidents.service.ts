import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, Repository } from 'typeorm';
import { CLOCK, type Clock, type Connection, type PageArgs, paginateBy } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { IncidentEvent } from './incident-event.entity.js';
import { IncidentOutbox } from './incident-outbox.js';
import { Incident, IncidentStatus } from './incident.entity.js';

/** How long before a host's outage a service's outage still counts as caused by it. */
const GROUPING_WINDOW_MS = 120_000;

export interface MonitorRef {
  id: string;
  tenantId: string;
  hostId: string;
  serviceId: string | null;
  name: string;
}

export interface OutageContext {
  /** Inside a maintenance window of this monitor, its service or its host. */
  planned: boolean;
  /** The open incident of the host this monitor runs on, when the host itself is down. */
  hostIncidentId?: string;
  flapping: boolean;
  /** No alerts, no runbooks: decided by the detection's incident policy. */
  suppressed: boolean;
}

export interface IncidentFilter {
  status?: IncidentStatus;
  monitorId?: string;
  hostId?: string;
}

/**
 * Opens and closes incidents from confirmed state changes. Idempotent: opening when one is open, or closing when
 * none is, does nothing, so a replayed change after a crash never makes a second incident.
 */
@Injectable()
export class IncidentsService {
  readonly scope: TenantScopedRepository<Incident>;

  constructor(
    @InjectRepository(Incident) private readonly incidents: Repository<Incident>,
    @InjectRepository(IncidentEvent) private readonly events: Repository<IncidentEvent>,
    private readonly dataSource: DataSource,
    private readonly outbox: IncidentOutbox,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.scope = new TenantScopedRepository(incidents, 'incident');
  }

  async open(monitor: MonitorRef, startedAt: Date, reason: string, context: OutageContext): Promise<Incident | undefined> {
    return this.announcing(async (manager) => {
      const existing = await manager.findOne(Incident, { where: { monitorId: monitor.id, status: IncidentStatus.open } });
      if (existing) return undefined;
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Incident)
        .values({
          tenantId: monitor.tenantId,
          monitorId: monitor.id,
          hostId: monitor.hostId,
          serviceId: monitor.serviceId,
          status: IncidentStatus.open,
          openedAt: startedAt,
          resolvedAt: null,
          planned: context.planned,
          suppressed: context.suppressed,
          flapping: context.flapping,
          causeIncidentId: context.hostIncidentId ?? null,
          openReason: reason,
          resolveReason: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
        })
        // Another replica may have opened it an instant ago: the partial unique index decides, quietly.
        .orIgnore()
        .returning('*')
        .execute();
      const row = inserted.generatedMaps[0] as Incident | undefined;
      if (!row?.id) return undefined;
      const incident = await manager.findOneByOrFail(Incident, { id: row.id });
      // A verdict of several vantages begins "down: 2 of 2 …": said once ("web-a http down: 2 of 2 …", not "down: down:").
      await this.event(manager, incident, startedAt, 'opened', `${monitor.name} down: ${reason.replace(/^down: /, '')}`);
      if (context.planned) await this.event(manager, incident, startedAt, 'suppressed', 'inside a maintenance window: no alerts or runbooks, not counted against the SLA');
      if (context.hostIncidentId) await this.event(manager, incident, startedAt, 'suppressed', 'the host is down: grouped under the host incident');
      if (context.flapping) await this.event(manager, incident, startedAt, 'suppressed', 'the monitor is flapping: no alert of its own; a primary\'s failover waits until it stays down (its resource says until when)');
      if (!monitor.serviceId) await this.groupServiceIncidents(manager, incident);
      // The outbox row commits with the incident: alerts and runbooks cannot miss it, whatever happens next.
      await this.outbox.write(manager, incident.tenantId, incident.id, 'opened', { monitorName: monitor.name });
      return incident;
    });
  }

  async resolve(monitor: MonitorRef, recoveredAt: Date, reason: string): Promise<Incident | undefined> {
    return this.announcing(async (manager) => {
      const incident = await manager.findOne(Incident, { where: { monitorId: monitor.id, status: IncidentStatus.open }, lock: { mode: 'pessimistic_write' } });
      if (!incident) return undefined;
      incident.status = IncidentStatus.resolved;
      incident.resolvedAt = recoveredAt < incident.openedAt ? incident.openedAt : recoveredAt;
      incident.resolveReason = reason;
      await manager.save(incident);
      await this.event(manager, incident, incident.resolvedAt, 'resolved', `${monitor.name} recovered: ${reason}`);
      await this.outbox.write(manager, incident.tenantId, incident.id, 'resolved', { monitorName: monitor.name });
      if (!incident.serviceId) await this.releaseConsequences(manager, incident);
      return incident;
    });
  }

  /** Records a flapping change (or any other state note) on the monitor's open incident, if any. */
  async note(monitor: MonitorRef, at: Date, kind: string, message: string, flapping?: boolean): Promise<void> {
    await this.announcing(async (manager) => {
      const incident = await manager.findOne(Incident, { where: { monitorId: monitor.id, status: IncidentStatus.open }, lock: { mode: 'pessimistic_write' } });
      if (!incident) return;
      if (flapping !== undefined && incident.flapping !== flapping) {
        const suppressed = flapping || incident.planned || Boolean(incident.causeIncidentId);
        await manager.update(Incident, { id: incident.id }, { flapping, suppressed });
        // Held while it flapped and still down: the page and the failover it held are due now, through the outbox
        // (damping may delay them, never swallow them).
        if (incident.suppressed && !suppressed) await this.outbox.write(manager, incident.tenantId, incident.id, 'released', { monitorName: monitor.name });
      }
      await this.event(manager, incident, at, kind, message);
    });
  }

  /**
   * Records an acknowledgement once (later ones change nothing) on the incident and its timeline, and announces it
   * through the outbox (alerts stop escalating and tell the pagers). Returns the incident when this call
   * acknowledged it, undefined when it was already acknowledged or is not open.
   */
  async acknowledge(tenantId: string, incidentId: string, by: string, at = this.clock.now()): Promise<Incident | undefined> {
    return this.announcing(async (manager) => {
      const incident = await manager.findOne(Incident, { where: { id: incidentId, tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!incident || incident.status !== IncidentStatus.open || incident.acknowledgedAt) return undefined;
      incident.acknowledgedAt = at;
      incident.acknowledgedBy = by;
      await manager.save(incident);
      await this.event(manager, incident, at, 'acknowledged', `acknowledged by ${by}: escalation stopped`);
      await this.outbox.write(manager, incident.tenantId, incident.id, 'acknowledged', { by });
      return incident;
    });
  }

  /** The open incident of a host-level monitor of this host: the root cause its services' outages group under. */
  openHostIncident(hostId: string, manager?: EntityManager): Promise<Incident | null> {
    return (manager?.getRepository(Incident) ?? this.incidents)
      .createQueryBuilder('i')
      .where('i.host_id = :hostId AND i.service_id IS NULL AND i.status = :status', { hostId, status: IncidentStatus.open })
      .orderBy('i.opened_at', 'ASC')
      .getOne();
  }

  /**
   * Adds a line to an incident's timeline (runbook runs, their steps and decisions; whom an escalation step paged).
   * `manager`: the caller's transaction, so the line and what it records commit together.
   */
  async annotate(tenantId: string, incidentId: string, kind: string, message: string, at = this.clock.now(), manager?: EntityManager): Promise<void> {
    const row = { tenantId, incidentId, at, kind, message: message.slice(0, 2000) };
    if (manager) await manager.insert(IncidentEvent, row);
    else await this.events.insert(row);
  }

  /**
   * A line on the timeline that also needs a person (a run that failed, waits for approval or needs an operator):
   * the line and the page are one transaction, handed to alerts through the outbox.
   */
  async attention(tenantId: string, incidentId: string, kind: string, summary: string, at = this.clock.now()): Promise<void> {
    await this.announcing((manager) => this.writeAttention(manager, tenantId, incidentId, kind, summary, at));
  }

  private async writeAttention(manager: EntityManager, tenantId: string, incidentId: string, kind: string, summary: string, at: Date): Promise<void> {
    await manager.insert(IncidentEvent, { tenantId, incidentId, at, kind, message: summary.slice(0, 2000) });
    await this.outbox.write(manager, tenantId, incidentId, 'attention', { summary: summary.slice(0, 2000) });
  }

  /**
   * `attention` on the monitor's open incident, if it has one (true when it had). With `oncePerIncident`, not when the
   * incident already has a line of this kind: checked with the incident locked, so replicas asking at once page once.
   * With `openedBefore`, only an incident opened before that instant (one opened later already said it when it opened).
   */
  async attentionOn(monitor: MonitorRef, kind: string, summary: string, at = this.clock.now(), options: { oncePerIncident?: boolean; openedBefore?: Date } = {}): Promise<boolean> {
    return this.announcing(async (manager) => {
      const open = await manager.findOne(Incident, { where: { monitorId: monitor.id, status: IncidentStatus.open }, lock: { mode: 'pessimistic_write' } });
      if (!open) return false;
      if (options.openedBefore && open.openedAt >= options.openedBefore) return true;
      if (options.oncePerIncident && (await manager.exists(IncidentEvent, { where: { incidentId: open.id, kind } }))) return true;
      await this.writeAttention(manager, open.tenantId, open.id, kind, summary, at);
      return true;
    });
  }

  /** A transaction that writes outbox rows; once it commits, consumers in this process are nudged. */
  private async announcing<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    // Crash tests: die right after the commit, before anything acts on it (the outbox must still carry it through).
    if (this.config.failpoints.has('after-incident-commit')) process.kill(process.pid, 'SIGKILL');
    this.outbox.written.next();
    return result;
  }

  /** Open incidents on these hosts, optionally only on these monitors. */
  openOnHosts(tenantId: string, hostIds: string[]): Promise<Incident[]> {
    if (hostIds.length === 0) return Promise.resolve([]);
    return this.incidents
      .createQueryBuilder('i')
      .where('i.tenant_id = :tenantId AND i.host_id IN (:...hostIds) AND i.status = :status', { tenantId, hostIds, status: IncidentStatus.open })
      .getMany();
  }

  /** The latest recovery among incidents of these monitors (or of the host when none are given). */
  async lastRecoveryOn(tenantId: string, hostId: string, monitorIds: string[]): Promise<Date | null> {
    const query = this.incidents
      .createQueryBuilder('i')
      .select('MAX(i.resolved_at)', 'at')
      .where('i.tenant_id = :tenantId AND i.host_id = :hostId', { tenantId, hostId });
    if (monitorIds.length) query.andWhere('i.monitor_id IN (:...monitorIds)', { monitorIds });
    const row = await query.getRawOne<{ at: Date | null }>();
    return row?.at ? new Date(row.at) : null;
  }

  /** Every host with an open incident, for the failover reconciler's sweep (few rows: only what is down now). */
  async hostsWithOpenIncidents(): Promise<{ tenantId: string; hostId: string }[]> {
    const rows: { tenant_id: string; host_id: string }[] = await this.dataSource.query("SELECT DISTINCT tenant_id, host_id FROM incidents WHERE status = 'open'");
    return rows.map((r) => ({ tenantId: r.tenant_id, hostId: r.host_id }));
  }

  /** How many outages of this monitor opened since `since`: "3 losses in 10 min" for a held failover. */
  async outagesSince(monitorId: string, since: Date): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query('SELECT count(*)::int AS n FROM incidents WHERE monitor_id = $1 AND opened_at >= $2', [monitorId, since]);
    return row?.n ?? 0;
  }

  /**
   * Of these incidents, those whose pages are held: open, unacknowledged and suppressed (grouped under their host
   * after the fact, flapping, planned). Their queued pages wait — released, they go; settled, they are cancelled.
   */
  async heldAmong(incidentIds: string[]): Promise<Set<string>> {
    if (!incidentIds.length) return new Set();
    const rows = await this.incidents.find({ where: { id: In([...new Set(incidentIds)]), status: IncidentStatus.open, suppressed: true, acknowledgedAt: IsNull() }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /** Of these incidents of a tenant, those still open. */
  async openAmong(tenantId: string, incidentIds: string[]): Promise<Set<string>> {
    if (!incidentIds.length) return new Set();
    const rows = await this.incidents.find({ where: { id: In([...new Set(incidentIds)]), tenantId, status: IncidentStatus.open }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /** Resolved or acknowledged (or gone): its pending pages must not go out. */
  async isSettled(incidentId: string): Promise<boolean> {
    const incident = await this.incidents.findOne({ where: { id: incidentId }, select: { status: true, acknowledgedAt: true } });
    return !incident || incident.status !== IncidentStatus.open || incident.acknowledgedAt !== null;
  }

  /** One incident of a tenant, whatever its state (the outbox consumers read the incident a row is about). */
  of(tenantId: string, incidentId: string): Promise<Incident | null> {
    return this.incidents.findOne({ where: { id: incidentId, tenantId } });
  }

  openIncidentOf(monitorId: string): Promise<Incident | null> {
    return this.incidents.findOne({ where: { monitorId, status: IncidentStatus.open } });
  }

  list(principal: Principal, page: PageArgs, filter: IncidentFilter = {}): Promise<Connection<Incident>> {
    const query = this.scope.query(principal, 'e');
    if (filter.status) query.andWhere('e.status = :status', { status: filter.status });
    if (filter.monitorId) query.andWhere('e.monitor_id = :monitorId', { monitorId: filter.monitorId });
    if (filter.hostId) query.andWhere('e.host_id = :hostId', { hostId: filter.hostId });
    return paginateBy(query, page, 'openedAt', 'DESC');
  }

  timeline(incident: Incident): Promise<IncidentEvent[]> {
    return this.events.find({ where: { incidentId: incident.id, tenantId: incident.tenantId }, order: { at: 'ASC', id: 'ASC' } });
  }

  /**
   * A host and its services often fail within seconds of each other and a service may be confirmed first. Service
   * incidents of this host opened shortly before are grouped under the host's incident after the fact.
   */
  private async groupServiceIncidents(manager: EntityManager, hostIncident: Incident): Promise<void> {
    const since = new Date(hostIncident.openedAt.getTime() - GROUPING_WINDOW_MS);
    const grouped: Incident[] = await manager
      .createQueryBuilder(Incident, 'i')
      .where('i.host_id = :hostId AND i.service_id IS NOT NULL AND i.status = :status AND i.cause_incident_id IS NULL AND i.opened_at >= :since', {
        hostId: hostIncident.hostId,
        status: IncidentStatus.open,
        since,
      })
      .getMany();
    for (const incident of grouped) {
      await manager.update(Incident, { id: incident.id }, { causeIncidentId: hostIncident.id, suppressed: true });
      await this.event(manager, incident, hostIncident.openedAt, 'suppressed', 'the host is down: grouped under the host incident');
    }
  }

  /**
   * The host is back but some of its services are still down (a reboot after which nginx does not start): those
   * outages are no longer a consequence of anything. Grouped under another host-level outage still open, they move
   * there; else they are released — alerts page them from now and their runbooks go ahead, as for any outage. Before,
   * they stayed suppressed under a closed incident until they recovered: a service down for hours, paged to nobody.
   */
  private async releaseConsequences(manager: EntityManager, hostIncident: Incident): Promise<void> {
    const grouped = await manager.find(Incident, { where: { causeIncidentId: hostIncident.id, status: IncidentStatus.open }, lock: { mode: 'pessimistic_write' } });
    if (!grouped.length) return;
    const other = await this.openHostIncident(hostIncident.hostId, manager);
    const at = hostIncident.resolvedAt ?? this.clock.now();
    for (const incident of grouped) {
      if (other) {
        await manager.update(Incident, { id: incident.id }, { causeIncidentId: other.id });
        await this.event(manager, incident, at, 'suppressed', 'one host check is back, another still sees the host down: still grouped under the host incident');
        continue;
      }
      const suppressed = incident.planned || incident.flapping;
      await manager.update(Incident, { id: incident.id }, { causeIncidentId: null, suppressed });
      await this.event(manager, incident, at, 'released', `the host is back but this is still down: no longer grouped under the host incident${suppressed ? '' : '; alerts and runbooks go ahead'}`);
      if (!suppressed) await this.outbox.write(manager, incident.tenantId, incident.id, 'released', { monitorName: await this.monitorName(manager, incident) });
    }
  }

  /** A monitor's name, from inventory's published catalog (for an outbox row whose writer does not know it). */
  private async monitorName(manager: EntityManager, incident: Incident): Promise<string> {
    const [row]: { name: string }[] = await manager.query('SELECT name FROM inventory_monitor_catalog WHERE id = $1', [incident.monitorId]);
    return row?.name ?? 'monitor';
  }

  private async event(manager: EntityManager, incident: Incident, at: Date, kind: string, message: string): Promise<void> {
    await manager.insert(IncidentEvent, { tenantId: incident.tenantId, incidentId: incident.id, at, kind, message });
  }
}
