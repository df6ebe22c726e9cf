import { Inject, Injectable } from '@nestjs/common';
import { Temporal } from '@js-temporal/polyfill';
import { CLOCK, type Clock } from '#lib/common';
import { MonitorHealth, MonitorLatency, StateHistory, windowCovers } from '#lib/detection';
import { InventoryHistory } from '#lib/inventory';
import { CustomerReportAnswer, localDate, outagesPerService, POLICY_VERSION, type ReportMonth, ReportsService, zonedMidnight } from '#lib/reports';
import { isReportLanguage, type ReportLanguage, Role } from '#lib/tenancy';
import { type StatusComponent, StatusComponentKind, type StatusPage, StatusPageVisibility, type StatusPost, type StatusPostUpdate } from './status-page.entity.js';
import type { ComponentStatus } from './status-page.i18n.js';
import { StatusPagesService } from './status-pages.service.js';


/** Components whose histories are read at once while a page renders. */
const RENDER_CONCURRENCY = 2;
/** One day of one component (or group), from the reports' accounting; `fraction` null when nothing was accountable. */
export interface DayView {
  start: number;
  fraction: number | null;
  downtimeMs: number;
  degradedMs: number;
  plannedMs: number;
  unobservedMs: number;
  periodMs: number;
  /** Outages overlapping the day: times only, never a reason or an address. */
  outages: { from: number; to: number | null }[];
  /** Titles of published posts about the component created that day. */
  posts: string[];
}

export interface ComponentView {
  id: string;
  /** What the component stands for (never rendered: the page shows `name`); the response-time badge reads it. */
  kind: StatusComponentKind;
  subjectId: string;
  name: string;
  status: ComponentStatus;
  /** Availability over the whole bar period. */
  fraction: number | null;
  days: DayView[];
}

export interface GroupView {
  name: string | null;
  status: ComponentStatus;
  fraction: number | null;
  days: DayView[];
  components: ComponentView[];
}

export interface PostView {
  id: string;
  title: string;
  state: string;
  components: string[];
  createdAt: number;
  updates: { state: string; body: string; at: number }[];
}

export interface MaintenanceView {
  title: string;
  body: string;
  startsAt: number;
  endsAt: number;
  state: 'upcoming' | 'in-progress' | 'completed';
  components: string[];
}

export interface PageView {
  id: string;
  tenantId: string;
  title: string;
  footer: string;
  accentColor: string;
  logoUrl: string | null;
  links: string[];
  /** Who may frame the page: its origins when it is public, none otherwise (a private page is never framed). */
  embedOrigins: string[];
  language: ReportLanguage;
  timeZone: string;
  days: number;
  status: ComponentStatus;
  groups: GroupView[];
  components: ComponentView[];
  posts: PostView[];
  maintenance: MaintenanceView[];
  policyVersion: number;
  generatedAt: number;
  /**
   * A customer's private page (its sign-in, a link or a password): the months of the customer's SLA report its
   * visitors may open (`…/reports/YYYY-MM`), newest first; empty on every other page.
   */
  reportMonths: ReportMonth[];
}

/**
 * Whether a page offers its customer's SLA reports: a customer's page that is not public (its sign-in, a link or a
 * password) — never a public one, where anyone would read the customer's SLA.
 */
export function offersCustomerReports(page: Pick<StatusPage, 'customerId' | 'visibility'>): page is Pick<StatusPage, 'visibility'> & { customerId: string } {
  return page.customerId !== null && page.visibility !== StatusPageVisibility.public;
}

/** The response-time badge's window: the last 24 hours, ending now. */
export const RESPONSE_TIME_WINDOW_MS = 24 * 3_600_000;

const SEVERITY: Record<ComponentStatus, number> = { operational: 0, unknown: 1, maintenance: 2, degraded: 3, outage: 4 };

export function worst(statuses: ComponentStatus[]): ComponentStatus {
  return statuses.reduce<ComponentStatus>((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a), 'operational');
}

/** A group's day: the lowest availability of its components that day (the rule printed on the page). */
function groupDays(components: ComponentView[]): DayView[] {
  if (!components.length) return [];
  return components[0]!.days.map((_, i) => {
    const days = components.map((c) => c.days[i]!);
    const known = days.filter((d) => d.fraction !== null);
    const low = known.length ? known.reduce((a, b) => (b.fraction! < a.fraction! ? b : a)) : days[0]!;
    return {
      ...low,
      downtimeMs: Math.max(...days.map((d) => d.downtimeMs)),
      degradedMs: Math.max(...days.map((d) => d.degradedMs)),
      plannedMs: Math.max(...days.map((d) => d.plannedMs)),
      outages: days.flatMap((d) => d.outages),
      posts: [...new Set(days.flatMap((d) => d.posts))],
    };
  });
}

/**
 * Everything a status page shows, gathered through the owners' ports: availability from the reports library (the SLA
 * accounting), current health from detection, names from the page's own components (or, for a customer page, the
 * customer's services under their customer-facing names). Nothing here reads another library's tables.
 */
@Injectable()
export class StatusPageSource {
  constructor(
    private readonly pages: StatusPagesService,
    private readonly reports: ReportsService,
    private readonly inventory: InventoryHistory,
    private readonly health: MonitorHealth,
    private readonly latency: MonitorLatency,
    private readonly windows: StateHistory,
    private readonly customerReports: CustomerReportAnswer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async components(page: StatusPage): Promise<StatusComponent[]> {
    return page.customerId ? this.pages.customerComponents(page) : this.pages.componentsOf(page.id);
  }

  async view(page: StatusPage, options: { withPosts?: boolean } = {}): Promise<PageView> {
    const now = this.clock.now().getTime();
    const components = await this.components(page);
    const today = localDate(now, page.timeZone);
    const first = Temporal.PlainDate.from({ year: today.year, month: today.month, day: today.day }).subtract({ days: page.days - 1 });
    const tomorrow = Temporal.PlainDate.from({ year: today.year, month: today.month, day: today.day }).add({ days: 1 });
    const from = zonedMidnight(first.year, first.month, first.day, page.timeZone);
    const to = zonedMidnight(tomorrow.year, tomorrow.month, tomorrow.day, page.timeZone);
    const posts = options.withPosts === false ? [] : await this.posts(page);
    const views: ComponentView[] = [];
    const statuses = await this.currentStatuses(page.tenantId, components);
    // Two components at a time: a page of 50 is 50 reports, and the database pool and the machine's cores are shared
    // with everything else — above all with the visitors this render runs behind (four at a time put the p99 of a
    // page served at 2,000/s over 50 ms on a 2-core machine; two keep it under, and the render takes about as long).
    for (let i = 0; i < components.length; i += RENDER_CONCURRENCY) {
      const batch = components.slice(i, i + RENDER_CONCURRENCY);
      views.push(...(await Promise.all(batch.map((c) => this.component(page, c, from, to, now, statuses.get(c.id) ?? 'unknown', posts)))));
    }
    const groups: GroupView[] = [];
    for (const c of components) {
      const view = views.find((v) => v.id === c.id)!;
      const existing = groups.find((g) => g.name !== null && g.name === c.groupName);
      if (existing) existing.components.push(view);
      else groups.push({ name: c.groupName, status: 'operational', fraction: null, days: [], components: [view] });
    }
    for (const g of groups) {
      g.status = worst(g.components.map((c) => c.status));
      const known = g.components.map((c) => c.fraction).filter((f): f is number => f !== null);
      g.fraction = known.length ? Math.min(...known) : null;
      g.days = groupDays(g.components);
    }
    return {
      id: page.id,
      tenantId: page.tenantId,
      title: page.title,
      footer: page.footer,
      accentColor: page.accentColor,
      logoUrl: page.logoUrl,
      links: page.links,
      embedOrigins: page.visibility === StatusPageVisibility.public ? page.embedOrigins : [],
      language: isReportLanguage(page.language) ? page.language : 'en',
      timeZone: page.timeZone,
      days: page.days,
      // A page with no components has observed nothing: "All systems operational" would be a claim about nothing.
      status: views.length ? worst(views.map((v) => v.status)) : 'unknown',
      groups,
      components: views,
      posts: posts.map((p) => ({
        id: p.post.id,
        title: p.post.title,
        state: p.post.state,
        components: p.post.componentIds.map((id) => components.find((c) => c.id === id)?.displayName).filter((n): n is string => !!n),
        createdAt: p.post.createdAt.getTime(),
        updates: p.updates.map((u) => ({ state: u.state, body: u.body, at: u.at.getTime() })).reverse(),
      })),
      maintenance: await this.maintenance(page, components, now),
      policyVersion: POLICY_VERSION,
      generatedAt: now,
      reportMonths: await this.reportMonths(page, now),
    };
  }

  /** See PageView.reportMonths. */
  private async reportMonths(page: StatusPage, now: number): Promise<ReportMonth[]> {
    if (!offersCustomerReports(page)) return [];
    const found = await this.customerReports.customerOf(page.tenantId, page.customerId);
    return found ? this.customerReports.months(found.tenant, found.customer, now) : [];
  }

  /** Announced windows covering a component of the page, ended no more than 7 days ago; soonest first. */
  private async maintenance(page: StatusPage, components: StatusComponent[], now: number): Promise<MaintenanceView[]> {
    const announced = await this.pages.announcedMaintenance(page.tenantId);
    const out: MaintenanceView[] = [];
    for (const w of announced) {
      if (w.endsAt < now - 7 * 86_400_000) continue;
      const covered = components.filter((c) =>
        c.kind === StatusComponentKind.service ? w.serviceIds.includes(c.subjectId) : c.kind === StatusComponentKind.host ? w.hostIds.includes(c.subjectId) : w.monitorIds.includes(c.subjectId),
      );
      if (!covered.length) continue;
      const state = now < w.startsAt ? 'upcoming' : now < w.endsAt ? 'in-progress' : 'completed';
      out.push({ title: w.notice.title, body: w.notice.body, startsAt: w.startsAt, endsAt: w.endsAt, state, components: covered.map((c) => c.displayName) });
    }
    return out.sort((a, b) => a.startsAt - b.startsAt);
  }

  private async posts(page: StatusPage): Promise<{ post: StatusPost; updates: StatusPostUpdate[] }[]> {
    const posts = (await this.pages.postsOf({ tenantId: page.tenantId, role: Role.viewer, kind: 'token' }, page.id)).filter((p) => p.published).slice(0, 50);
    const updates = await this.pages.updatesOf(posts.map((p) => p.id));
    return posts.map((post) => ({ post, updates: updates.filter((u) => u.postId === post.id) }));
  }

  /**
   * A component's response time for its badge: each of its monitors' median over the last 24 hours (the median of its
   * per-minute medians, from detection's rollups — what the monitor page charts), and of those the slowest, as a
   * group shows its worst status. The monitors are the ones that stand for its status (a host: its host-level checks,
   * else all). Null when none of them answered in the window.
   */
  async responseTime(tenantId: string, component: Pick<StatusComponent, 'id' | 'kind' | 'subjectId'>): Promise<{ ms: number; minutes: number } | null> {
    const monitors = (await this.monitorIds(tenantId, [component])).get(component.id) ?? [];
    const now = this.clock.now().getTime();
    const medians = await this.latency.medians(tenantId, monitors.map((m) => m.id), new Date(now - RESPONSE_TIME_WINDOW_MS), new Date(now));
    if (!medians.length) return null;
    const slowest = medians.reduce((a, b) => (b.medianMs > a.medianMs ? b : a));
    return { ms: slowest.medianMs, minutes: slowest.minutes };
  }

  /**
   * Current status per component, from detection's live health of its monitors (worst wins); `maintenance` while a
   * window covers one of them now and none is down. (It was "any planned time today": the page said "Maintenance in
   * progress" for the rest of the day after a window had ended.)
   */
  private async currentStatuses(tenantId: string, components: StatusComponent[]): Promise<Map<string, ComponentStatus>> {
    const monitorsOf = await this.monitorIds(tenantId, components);
    const rows = [...monitorsOf.values()].flat();
    const hostIds = [...new Set(rows.map((r) => r.host_id))];
    const health = new Map((await this.health.ofHosts(tenantId, hostIds)).map((h) => [h.monitorId, h.health]));
    const now = this.clock.now().getTime();
    const open = rows.length ? await this.windows.maintenance(tenantId, new Date(now), new Date(now + 1)) : [];
    const inMaintenance = (m: { id: string; host_id: string; service_id: string | null }) =>
      open.some((w) => w.starts_at.getTime() <= now && w.ends_at.getTime() > now && windowCovers(w, m));
    const out = new Map<string, ComponentStatus>();
    for (const c of components) {
      const states = (monitorsOf.get(c.id) ?? []).map((m): ComponentStatus => {
        const h = health.get(m.id);
        if (h === 'down') return 'outage';
        if (h === 'degraded') return 'degraded';
        if (h === 'up' || h === 'suspect') return 'operational';
        return 'unknown';
      });
      const status = states.length ? worst(states) : 'unknown';
      out.set(c.id, status !== 'outage' && (monitorsOf.get(c.id) ?? []).some(inMaintenance) ? 'maintenance' : status);
    }
    return out;
  }

  /** The monitors that stand for a component, as the reports count them (a host: its host-level checks, else all). */
  private async monitorIds(tenantId: string, components: Pick<StatusComponent, 'id' | 'kind' | 'subjectId'>[]): Promise<Map<string, { id: string; host_id: string; service_id: string | null }[]>> {
    const ids = components.map((c) => c.subjectId);
    const rows = ids.length
      ? await this.inventory.monitorsOf(tenantId, 'm.deleted_at IS NULL AND (m.id = ANY($2::uuid[]) OR m.service_id = ANY($2::uuid[]) OR m.host_id = ANY($2::uuid[]))', [ids])
      : [];
    const out = new Map<string, { id: string; host_id: string; service_id: string | null }[]>();
    for (const c of components) {
      let mine = rows.filter((r) => (c.kind === StatusComponentKind.monitor ? r.id === c.subjectId : c.kind === StatusComponentKind.service ? r.service_id === c.subjectId : r.host_id === c.subjectId));
      if (c.kind === StatusComponentKind.host && mine.some((r) => r.service_id === null)) mine = mine.filter((r) => r.service_id === null);
      out.set(c.id, mine);
    }
    return out;
  }

  private async component(page: StatusPage, c: StatusComponent, from: number, to: number, now: number, status: ComponentStatus, posts: { post: StatusPost }[]): Promise<ComponentView> {
    const report = await this.reports.availabilityReport(
      { tenantId: page.tenantId, role: Role.viewer, kind: 'token' },
      { subject: { kind: c.kind as never, id: c.subjectId }, from: new Date(from), to: new Date(to), granularity: 'day' as never },
      now,
      // A customer's page: each service only while it served this customer, as the customer's report counts it.
      { timeZone: page.timeZone, servedTo: page.customerId ?? undefined },
    );
    // One service's monitors down together are one outage to the page's reader (the day said "Outage 20:43–20:44" twice).
    const outages = outagesPerService(report.incidents).map((i) => ({ from: i.openedAt.getTime(), to: i.resolvedAt?.getTime() ?? null }));
    const mine = posts.filter((p) => p.post.componentIds.includes(c.id));
    const days: DayView[] = report.series.map((b) => {
      const start = b.from.getTime();
      const end = b.to.getTime();
      const f = b.figures;
      return {
        start,
        fraction: f.availability,
        downtimeMs: f.downtimeMs,
        degradedMs: f.degradedMs,
        plannedMs: f.plannedMs,
        unobservedMs: f.unobservedMs,
        periodMs: f.periodMs,
        outages: outages.filter((o) => o.from < end && (o.to ?? now) > start),
        posts: mine.filter((p) => p.post.createdAt.getTime() >= start && p.post.createdAt.getTime() < end).map((p) => p.post.title),
      };
    });
    return { id: c.id, kind: c.kind, subjectId: c.subjectId, name: c.displayName, status, fraction: report.totals.availability, days };
  }
}
