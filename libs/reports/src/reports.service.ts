import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { VigiaException } from '#lib/common';
import { Incident } from '#lib/incidents';
import { CustomersService, HostsService, MonitorsService, ServicesService } from '#lib/inventory';
import type { Principal } from '#lib/tenancy';
import { Tenant } from '#lib/tenancy';
import { type AccountingPolicy, availability, type AvailabilityFigures, combineAnyDown, DEFAULT_POLICY, type SubjectHistory } from './availability.js';
import { HistoryLoader } from './history.loader.js';
import type { Interval } from './intervals.js';
import { errorBudget, nines, targetPpm } from './nines.js';
import { SlaTarget } from './sla-target.entity.js';
import { buckets } from './periods.js';
import { type AvailabilityFiguresView, type AvailabilityReport, type AvailabilityReportInput, ReportGranularity, SubjectKind } from './report.types.js';

const MAX_PERIOD_MS = 400 * 86_400_000;

/** Subject → groups of monitors: a group is down while any of its monitors is; groups add up time-weighted. */
interface Subject {
  name: string;
  groups: string[][];
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly loader: HistoryLoader,
    private readonly monitors: MonitorsService,
    private readonly services: ServicesService,
    private readonly hosts: HostsService,
    private readonly customers: CustomersService,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(Incident) private readonly incidents: Repository<Incident>,
    @InjectRepository(SlaTarget) private readonly targets: Repository<SlaTarget>,
  ) {}

  async assertCustomer(principal: Principal, customerId: string): Promise<void> {
    await this.customers.scope.get(principal, customerId, 'customerId');
  }

  async setSlaTarget(principal: Principal, customerId: string, targetPercent: number, policy: Partial<AccountingPolicy> = {}): Promise<SlaTarget> {
    const customer = await this.customers.scope.get(principal, customerId, 'customerId');
    targetPpm(targetPercent);
    const existing = await this.targets.findOne({ where: { tenantId: principal.tenantId, customerId: customer.id } });
    return this.targets.save({ ...(existing ?? {}), tenantId: principal.tenantId, customerId: customer.id, targetPercent, policy: { ...DEFAULT_POLICY, ...policy } });
  }

  async availabilityReport(principal: Principal, input: AvailabilityReportInput, now = Date.now()): Promise<AvailabilityReport> {
    const period: Interval = { start: input.from.getTime(), end: input.to.getTime() };
    if (period.end <= period.start) throw VigiaException.invalid('input.to', 'must be after from');
    if (period.end - period.start > MAX_PERIOD_MS) throw VigiaException.invalid('input.to', 'a report covers at most 400 days');
    const tenant = await this.tenants.findOneByOrFail({ id: principal.tenantId });
    const target = input.subject.kind === SubjectKind.customer ? await this.targets.findOne({ where: { tenantId: principal.tenantId, customerId: input.subject.id } }) : null;
    const policy: AccountingPolicy = { ...DEFAULT_POLICY, ...(target?.policy ?? {}) };
    const subject = await this.subject(principal, input, policy);
    const allIds = [...new Set(subject.groups.flat())];
    const rows = allIds.length ? await this.loader.monitorsOf(principal.tenantId, 'm.id = ANY($2::uuid[])', [allIds]) : [];
    const histories = await this.loader.histories(principal.tenantId, rows, period);
    const groups = subject.groups.map((ids) => ids.map((id) => histories.get(id)).filter((h): h is SubjectHistory => Boolean(h))).filter((g) => g.length);
    const combined = groups.map((g) => (g.length === 1 ? g[0]! : combineAnyDown(g)));
    const figures = (window: Interval) => sumFigures(combined.map((h) => availability(h, window.start, window.end, now, policy)));
    const totals = figures(period);
    const granularity = input.granularity ?? ReportGranularity.day;
    const series = buckets(period, granularity, tenant.timeZone)
      .filter((b) => b.start < now)
      .map((b) => ({ from: new Date(b.start), to: new Date(b.end), figures: view(figures(b)) }));
    const incidents = allIds.length
      ? await this.incidents
          .createQueryBuilder('i')
          .where({ tenantId: principal.tenantId, monitorId: In(allIds) })
          .andWhere('i.opened_at < :to AND (i.resolved_at IS NULL OR i.resolved_at > :from)', { from: input.from, to: input.to })
          .orderBy('i.opened_at', 'ASC')
          .limit(500)
          .getMany()
      : [];
    const accountable = totals.observedMs - totals.plannedMs;
    const targetPercent = input.targetPercent ?? target?.targetPercent;
    const sla = targetPercent !== undefined ? this.sla(targetPercent, accountable, totals.downtimeMs) : undefined;
    return {
      subjectKind: input.subject.kind,
      subjectId: input.subject.id,
      subjectName: subject.name,
      from: input.from,
      to: input.to,
      timeZone: tenant.timeZone,
      policy: { ...policy, combination: 'a service or host is down while any of its monitors is; a customer by customerCombination; the tenant adds its services up time-weighted' },
      totals: view(totals),
      series,
      incidents,
      sla,
    };
  }

  /**
   * Every customer of a tenant over one period, in a handful of queries: the monitors, the service links and the
   * histories are read once, then each customer is computed in memory. For monthly mailings and fleet-wide views.
   */
  async allCustomers(tenantId: string, period: Interval, now = Date.now()): Promise<Map<string, AvailabilityFigures>> {
    const rows = await this.loader.monitorsOf(tenantId, 'TRUE', []);
    const links: { customer_id: string; service_id: string }[] = await this.loader.customerLinks(tenantId);
    const histories = await this.loader.histories(tenantId, rows, period);
    const byService = new Map<string, SubjectHistory[]>();
    for (const m of rows) if (m.service_id) byService.set(m.service_id, [...(byService.get(m.service_id) ?? []), histories.get(m.id)!]);
    const byCustomer = new Map<string, SubjectHistory[][]>();
    for (const l of links) {
      const service = byService.get(l.service_id);
      if (service) byCustomer.set(l.customer_id, [...(byCustomer.get(l.customer_id) ?? []), service]);
    }
    const policies = new Map((await this.targets.find({ where: { tenantId } })).map((t) => [t.customerId, { ...DEFAULT_POLICY, ...t.policy }]));
    const out = new Map<string, AvailabilityFigures>();
    for (const [customerId, services] of byCustomer) {
      const policy = policies.get(customerId) ?? DEFAULT_POLICY;
      const figures = (h: SubjectHistory) => availability(h, period.start, period.end, now, policy);
      out.set(customerId, policy.customerCombination === 'weighted' ? sumFigures(services.map((s) => figures(combineAnyDown(s)))) : figures(combineAnyDown(services.flat())));
    }
    return out;
  }

  private sla(targetPercent: number, accountableMs: number, downtimeMs: number) {
    const budget = errorBudget(targetPercent, accountableMs, downtimeMs);
    return { targetPercent, allowedDowntimeMs: budget.allowedMs, usedMs: budget.usedMs, remainingMs: budget.remainingMs, breached: budget.breached };
  }

  private async subject(principal: Principal, input: AvailabilityReportInput, policy: AccountingPolicy): Promise<Subject> {
    const { kind, id } = input.subject;
    // Including deleted subjects: a report over a period when they existed must still be possible.
    if (kind !== SubjectKind.tenant && !id) throw VigiaException.invalid('input.subject.id', `is required for a ${kind}`);
    const tenantId = principal.tenantId;
    switch (kind) {
      case SubjectKind.monitor: {
        const monitor = await this.monitors.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        return { name: monitor.name, groups: [[monitor.id]] };
      }
      case SubjectKind.service: {
        const service = await this.services.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        return { name: service.name, groups: [await this.ids(tenantId, 'm.service_id = $2', [service.id])] };
      }
      case SubjectKind.host: {
        const host = await this.hosts.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        // A host is its host-level checks (ping, SSH port…); without any, all its monitors stand for it.
        const hostLevel = await this.ids(tenantId, 'm.host_id = $2 AND m.service_id IS NULL', [host.id]);
        return { name: host.name, groups: [hostLevel.length ? hostLevel : await this.ids(tenantId, 'm.host_id = $2', [host.id])] };
      }
      case SubjectKind.customer: {
        const customer = await this.customers.scope.getIncludingDeleted(principal, id!, 'input.subject.id');
        const rows = await this.loader.monitorsOf(tenantId, 'm.service_id IN (SELECT service_id FROM service_customers WHERE customer_id = $2)', [customer.id]);
        // any-down: one group of all the services' monitors; weighted: one group per service, added up.
        return { name: customer.name, groups: policy.customerCombination === 'weighted' ? groupByService(rows) : [rows.map((r) => r.id)] };
      }
      case SubjectKind.tenant:
        return { name: 'all services', groups: groupByService(await this.loader.monitorsOf(tenantId, 'TRUE', [])) };
    }
  }

  private async ids(tenantId: string, where: string, params: unknown[]): Promise<string[]> {
    return (await this.loader.monitorsOf(tenantId, where, params)).map((m) => m.id);
  }
}

/** One group per service (a host-level monitor alone in its own): the unit the weighted combinations add up. */
function groupByService(rows: { id: string; service_id: string | null }[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const key = r.service_id ?? `host-level:${r.id}`;
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  return [...groups.values()];
}

function sumFigures(all: AvailabilityFigures[]): AvailabilityFigures {
  const sum = (k: keyof AvailabilityFigures): number => all.reduce((n, f) => n + ((f[k] as number | null) ?? 0), 0);
  const observedMs = sum('observedMs');
  const plannedMs = sum('plannedMs');
  const uptimeMs = sum('uptimeMs');
  const downtimeMs = sum('downtimeMs');
  const failures = sum('failures');
  const accountable = observedMs - plannedMs;
  return {
    observedMs, plannedMs, uptimeMs, downtimeMs, failures,
    degradedMs: sum('degradedMs'),
    openOutages: sum('openOutages'),
    availability: accountable > 0 ? uptimeMs / accountable : null,
    mtbfMs: failures ? uptimeMs / failures : null,
    mttrMs: failures ? downtimeMs / failures : null,
  };
}

function view(f: AvailabilityFigures): AvailabilityFiguresView {
  return { ...f, percent: f.availability === null ? null : Math.round(f.availability * 1e8) / 1e6, nines: f.availability === null ? null : nines(f.availability) };
}
