import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { IncidentHistory } from '#lib/incidents';
import { type Customer, CustomersService, HostsService, MonitorsService, ServicesService } from '#lib/inventory';
import { type Principal, TenantFacts, type TenantProfile } from '#lib/tenancy';
import {
  type AccountingPolicy,
  availability,
  type AvailabilityFigures,
  combineAnyDown,
  combineFigures,
  crossCheck,
  currentPolicy,
  POLICY_VERSION,
  type SubjectHistory,
} from './availability.js';
import { type CustomerLinkRow as LinkRow, groupBy, HistoryLoader, type MonitorRow } from './history.loader.js';
import { type Interval, intersect, subtract, total, union } from './intervals.js';
import { allowedDowntimeMs, errorBudget, nines, targetPpm } from './nines.js';
import { SlaTarget } from './sla-target.entity.js';
import { buckets, calendarPeriod } from './periods.js';
import { type AvailabilityFiguresView, type AvailabilityReport, type AvailabilityReportInput, ReportGranularity, SubjectKind } from './report.types.js';

const MAX_PERIOD_MS = 400 * 86_400_000;

/** One part of a subject: monitors that are down together (any-down), with a weight and the times the part counts. */
interface Part {
  monitorIds: string[];
  weight: number;
  /** For a customer's service: the periods of its link to the customer. */
  scope?: Interval[];
}

/** Subject → parts, and how the parts combine: one union (any-down), weight-averaged, or added up (the tenant). */
interface Subject {
  name: string;
  parts: Part[];
  combine: 'any-down' | 'weighted' | 'sum';
}

const COMBINATION_TEXT: Record<Subject['combine'], string> = {
  'any-down': 'down while any of its parts is down (a service or host: its monitors; a customer: its services while linked)',
  weighted: "the customer's services' availability averaged by their link weights, each counted while linked",
  sum: "the tenant's services and host-level monitors added up, time-weighted",
};

@Injectable()
export class ReportsService {
  constructor(
    private readonly loader: HistoryLoader,
    private readonly monitors: MonitorsService,
    private readonly services: ServicesService,
    private readonly hosts: HostsService,
    private readonly customers: CustomersService,
    private readonly tenants: TenantFacts,
    private readonly incidents: IncidentHistory,
    @InjectRepository(SlaTarget) private readonly targets: Repository<SlaTarget>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async assertCustomer(principal: Principal, customerId: string): Promise<void> {
    await this.customerOf(principal, customerId);
  }

  /** A live customer of the caller's tenant (NOT_FOUND naming `customerId` otherwise). */
  customerOf(principal: Principal, customerId: string): Promise<Customer> {
    return this.customers.scope.get(principal, customerId, 'customerId');
  }

  /** The caller's tenant as reports show it (its zone, language, brand). */
  async tenantOf(principal: Principal): Promise<TenantProfile> {
    const tenant = await this.tenants.profile(principal.tenantId);
    // A principal's tenant exists (tenants are never deleted under a live session); said plainly if that ever breaks.
    if (!tenant) throw new Error(`tenant ${principal.tenantId} not found`);
    return tenant;
  }

  async setSlaTarget(principal: Principal, customerId: string, targetPercent: number, policy: Partial<AccountingPolicy> = {}): Promise<SlaTarget> {
    const customer = await this.customers.scope.get(principal, customerId, 'customerId');
    targetPpm(targetPercent);
    const existing = await this.targets.findOne({ where: { tenantId: principal.tenantId, customerId: customer.id } });
    return this.targets.save({ ...(existing ?? {}), tenantId: principal.tenantId, customerId: customer.id, targetPercent, policy: currentPolicy(policy) });
  }

  /** The period a report input asks for: a calendar month or year in the tenant's zone, or [from, to). */
  periodOf(input: Pick<AvailabilityReportInput, 'period' | 'from' | 'to'>, timeZone: string): Interval {
    if (input.period !== undefined && input.period !== null) {
      if (input.from || input.to) throw VigiaException.invalid('input.period', 'give either a period or from and to, not both');
      const period = calendarPeriod(input.period, timeZone);
      if (!period) throw VigiaException.invalid('input.period', 'must be YYYY-MM or YYYY');
      return period;
    }
    if (!input.from) throw VigiaException.invalid('input.from', 'is required (or give input.period, e.g. 2026-03)');
    if (!input.to) throw VigiaException.invalid('input.to', 'is required (or give input.period, e.g. 2026-03)');
    const period: Interval = { start: input.from.getTime(), end: input.to.getTime() };
    if (period.end <= period.start) throw VigiaException.invalid('input.to', 'must be after from');
    if (period.end - period.start > MAX_PERIOD_MS) throw VigiaException.invalid('input.to', 'a report covers at most 400 days');
    return period;
  }

  /**
   * `now` (tests, the monthly job) or `input.asOf` (a report frozen for a dispute) sets the instant the report stands
   * at; the clock is asked otherwise. A report never stands in the future.
   */
  /**
   * `servedTo` (a customer's status page): a service counted only while it served that customer, as the customer's
   * own report counts it — the page showed the service's whole history, outages from before the customer had it.
   */
  async availabilityReport(principal: Principal, input: AvailabilityReportInput, now?: number, options: { timeZone?: string; servedTo?: string } = {}): Promise<AvailabilityReport> {
    const computedAt = this.clock.now().getTime();
    const asOf = Math.min(input.asOf?.getTime() ?? Infinity, now ?? computedAt);
    const tenant = await this.tenantOf(principal);
    // A status page counts its days in its own zone; everything else in the tenant's.
    const timeZone = options.timeZone ?? tenant.timeZone;
    const period = this.periodOf(input, timeZone);
    const target = input.subject.kind === SubjectKind.customer && input.subject.id ? await this.targets.findOne({ where: { tenantId: principal.tenantId, customerId: input.subject.id } }) : null;
    const policy = currentPolicy(target?.policy);
    const subject = options.servedTo && input.subject.kind === SubjectKind.service ? await this.servedSubject(principal, input.subject.id!, options.servedTo) : await this.subject(principal, input, policy);
    const allIds = [...new Set(subject.parts.flatMap((p) => p.monitorIds))];
    const rows = allIds.length ? await this.loader.monitorsOf(principal.tenantId, 'm.id = ANY($2::uuid[])', [allIds]) : [];
    const histories = await this.loader.histories(principal.tenantId, rows, period, asOf);
    const figures = figuresOf(subject, histories, policy, asOf, period);
    const totals = figures(period);
    const granularity = input.granularity ?? ReportGranularity.day;
    const series = buckets(period, granularity, timeZone)
      .filter((b) => b.start < asOf)
      .map((b) => ({ from: new Date(b.start), to: new Date(b.end), figures: view(figures(b), policy, subject.combine === 'weighted') }));
    const overlapping = allIds.length
      ? await this.incidents.incidentsOverlapping(principal.tenantId, allIds, new Date(period.start), new Date(Math.min(period.end, asOf)), 500)
      : [];
    // Listed while they counted for the subject: a customer page listed outages after the customer's link had ended.
    const incidents = overlapping.filter((i) => counts(subject, histories, i, period, asOf));
    const targetPercent = input.targetPercent ?? target?.targetPercent;
    const sla = targetPercent !== undefined ? this.sla(targetPercent, totals.accountableMs, totals.downtimeMs, Math.max(0, period.end - Math.max(asOf, period.start))) : undefined;
    return {
      subjectKind: input.subject.kind,
      subjectId: input.subject.id,
      subjectName: subject.name,
      from: new Date(period.start),
      to: new Date(period.end),
      period: input.period ?? null,
      timeZone,
      computedAt: new Date(computedAt),
      asOf: new Date(asOf),
      policyVersion: POLICY_VERSION,
      policy: { ...policy, combination: COMBINATION_TEXT[subject.combine] },
      totals: view(totals, policy, subject.combine === 'weighted'),
      series,
      incidents,
      sla,
    };
  }

  /**
   * Every customer of a tenant over one period, in a handful of queries: the monitors, the service links and the
   * histories are read once, then each customer is computed in memory. For monthly mailings and fleet-wide views.
   */
  async allCustomers(tenantId: string, period: Interval, now = this.clock.now().getTime()): Promise<Map<string, AvailabilityFigures>> {
    const [rows, links, targets] = await Promise.all([this.loader.monitorsOf(tenantId, 'TRUE', []), this.loader.customerLinks(tenantId), this.targets.find({ where: { tenantId } })]);
    const histories = await this.loader.histories(tenantId, rows, period, now);
    const policies = new Map(targets.map((t) => [t.customerId, currentPolicy(t.policy)]));
    const byService = groupBy(rows, (m) => m.service_id ?? '');
    const out = new Map<string, AvailabilityFigures>();
    for (const [customerId, customerLinks] of groupBy(links, (l) => l.customer_id)) {
      const policy = policies.get(customerId) ?? currentPolicy();
      const subject: Subject = { name: customerId, parts: partsOfLinks(customerLinks, byService), combine: policy.customerCombination };
      out.set(customerId, figuresOf(subject, histories, policy, now, period)(period));
    }
    return out;
  }

  /**
   * `aheadMs`: the period still to come (a month to date). Its allowance so far is pro-rated, so 3 minutes down on the
   * month's first morning is over the pace (`atRisk`), not `breached`: breached only once the downtime is more than
   * the whole period could allow (the rest of it up and counted), so the target can no longer be met.
   */
  private sla(targetPercent: number, accountableMs: number, downtimeMs: number, aheadMs: number) {
    const budget = errorBudget(targetPercent, accountableMs, downtimeMs);
    const periodAllowedMs = aheadMs > 0 ? allowedDowntimeMs(targetPercent, accountableMs + aheadMs) : budget.allowedMs;
    const breached = downtimeMs > periodAllowedMs;
    return {
      targetPercent,
      allowedDowntimeMs: budget.allowedMs,
      usedMs: budget.usedMs,
      remainingMs: budget.remainingMs,
      periodOver: aheadMs === 0,
      periodAllowedDowntimeMs: periodAllowedMs,
      breached,
      atRisk: !breached && budget.breached,
    };
  }

  private async subject(principal: Principal, input: AvailabilityReportInput, policy: AccountingPolicy): Promise<Subject> {
    const { kind, id } = input.subject;
    // Including deleted subjects: a report over a period when they existed must still be possible.
    if (kind !== SubjectKind.tenant && !id) throw VigiaException.invalid('input.subject.id', `is required for a ${kind}`);
    const tenantId = principal.tenantId;
    const one = (name: string, monitorIds: string[]): Subject => ({ name, parts: [{ monitorIds, weight: 1 }], combine: 'any-down' });
    switch (kind) {
      case SubjectKind.monitor: {
        const monitor = await this.monitors.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        return one(monitor.name, [monitor.id]);
      }
      case SubjectKind.service: {
        const service = await this.services.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        return one(service.name, await this.ids(tenantId, 'm.service_id = $2', [service.id]));
      }
      case SubjectKind.host: {
        const host = await this.hosts.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        // A host is its host-level checks (ping, SSH port…); without any, all its monitors stand for it.
        const hostLevel = await this.ids(tenantId, 'm.host_id = $2 AND m.service_id IS NULL', [host.id]);
        return one(host.name, hostLevel.length ? hostLevel : await this.ids(tenantId, 'm.host_id = $2', [host.id]));
      }
      case SubjectKind.customer: {
        const customer = await this.customers.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        const links = await this.loader.customerLinksOf(tenantId, customer.id);
        const rows = links.length ? await this.loader.monitorsOf(tenantId, 'm.service_id = ANY($2::uuid[])', [[...new Set(links.map((l) => l.service_id))]]) : [];
        return { name: customer.name, parts: partsOfLinks(links, groupBy(rows, (m) => m.service_id ?? '')), combine: policy.customerCombination };
      }
      case SubjectKind.tenant: {
        const rows = await this.loader.monitorsOf(tenantId, 'TRUE', []);
        // One part per service (a host-level monitor alone in its own): the unit the tenant's sum adds up.
        const parts = [...groupBy(rows, (r) => r.service_id ?? `host-level:${r.id}`).values()].map((ms) => ({ monitorIds: ms.map((m) => m.id), weight: 1 }));
        return { name: 'all services', parts, combine: 'sum' };
      }
    }
  }

  /** A service as one customer has it: its monitors during that customer's link periods of it (none: nothing counts). */
  private async servedSubject(principal: Principal, serviceId: string, customerId: string): Promise<Subject> {
    const service = await this.services.scope.getIncludingDeleted(principal, serviceId, 'input.subject.id');
    const links = (await this.loader.customerLinksOf(principal.tenantId, customerId)).filter((l) => l.service_id === service.id);
    const rows = links.length ? await this.loader.monitorsOf(principal.tenantId, 'm.service_id = $2', [service.id]) : [];
    return { name: service.name, parts: partsOfLinks(links, groupBy(rows, (m) => m.service_id ?? '')), combine: 'any-down' };
  }

  private async ids(tenantId: string, where: string, params: unknown[]): Promise<string[]> {
    return (await this.loader.monitorsOf(tenantId, where, params)).map((m) => m.id);
  }
}

/**
 * A customer's services as parts: each service's monitors, counted during its link periods, each period with the
 * weight it had then — one part per weight a service's links had (a weight changed mid-month weighs each stretch by
 * its own; taking the latest link's weight for the whole period moved a customer's figure and could flip its SLA).
 */
function partsOfLinks(links: LinkRow[], monitorsByService: Map<string, MonitorRow[]>): Part[] {
  const parts: Part[] = [];
  for (const [serviceId, periods] of groupBy(links, (l) => l.service_id)) {
    const monitors = monitorsByService.get(serviceId);
    if (!monitors?.length) continue;
    for (const [, same] of groupBy(periods, (l) => String(l.weight))) {
      parts.push({
        monitorIds: monitors.map((m) => m.id),
        weight: same[0]!.weight,
        scope: union(same.map((l) => ({ start: l.startsMs, end: l.endsMs ?? Infinity }))),
      });
    }
  }
  return parts;
}

/**
 * Whether an incident belongs to the subject's report: some of it inside the period while its monitor's part counted
 * (a customer's link period). One inside maintenance stays listed (marked planned where it was opened so): the
 * figures leave its time out, the list says it happened.
 */
function counts(subject: Subject, histories: Map<string, SubjectHistory>, incident: { monitorId: string; openedAt: Date; resolvedAt: Date | null }, period: Interval, asOf: number): boolean {
  if (!histories.has(incident.monitorId)) return false;
  const end = Math.min(incident.resolvedAt?.getTime() ?? asOf, period.end, asOf);
  if (end <= Math.max(incident.openedAt.getTime(), period.start)) return false;
  const span: Interval[] = [{ start: Math.max(incident.openedAt.getTime(), period.start), end }];
  return subject.parts.some((p) => p.monitorIds.includes(incident.monitorId) && total(p.scope ? intersect(span, p.scope) : span) > 0);
}

/** The figures of a subject over any window, from the monitors' histories. */
function figuresOf(subject: Subject, histories: Map<string, SubjectHistory>, policy: AccountingPolicy, now: number, period: Interval): (window: Interval) => AvailabilityFigures {
  const parts = subject.parts
    .map((p) => ({ part: p, history: partHistory(p, histories, period) }))
    .filter((x): x is { part: Part; history: SubjectHistory } => x.history !== undefined);
  const union = subject.combine === 'any-down' && parts.length > 1 ? combineAnyDown(parts.map((x) => x.history)) : undefined;
  return (window) => {
    if (union) return availability(union, window.start, window.end, now, policy);
    if (parts.length === 1 && subject.combine === 'any-down') return availability(parts[0]!.history, window.start, window.end, now, policy);
    const figures = parts.map((x) => ({ figures: availability(x.history, window.start, window.end, now, policy), weight: x.part.weight }));
    return combineFigures(figures, subject.combine === 'weighted' ? 'weighted' : 'sum');
  };
}

/** A part's monitors as one history (down while any is), restricted to the part's scope. */
function partHistory(part: Part, histories: Map<string, SubjectHistory>, period: Interval): SubjectHistory | undefined {
  const hs = part.monitorIds.map((id) => histories.get(id)).filter((h): h is SubjectHistory => h !== undefined);
  if (!hs.length) return undefined;
  const h = hs.length === 1 ? hs[0]! : combineAnyDown(hs);
  // A link that spans the whole period restricts nothing in it (the common case: 9,000 customers, one month).
  if (!part.scope || part.scope.some((s) => s.start <= period.start && s.end >= period.end)) return h;
  const life = h.scope ?? [{ start: h.createdAt, end: h.deletedAt ?? Infinity }];
  const scope = subtract(life, subtract(life, part.scope));
  return combineAnyDown([{ ...h, scope }]);
}

function view(f: AvailabilityFigures, policy: AccountingPolicy, weighted: boolean): AvailabilityFiguresView {
  return {
    ...f,
    observedShare: f.periodMs > 0 ? f.observedMs / f.periodMs : null,
    // Truncated to six decimals, never rounded up: 99.99899999 % must not print as 99.999 % beside a breached SLA.
    percent: f.availability === null ? null : Math.floor(f.availability * 1e8 + 1e-6) / 1e6,
    nines: f.availability === null ? null : nines(f.availability),
    ongoing: f.ongoing ? { since: new Date(f.ongoing.since), soFarMs: f.ongoing.soFarMs } : null,
    crossCheck: crossCheck(f, policy, weighted),
  };
}
