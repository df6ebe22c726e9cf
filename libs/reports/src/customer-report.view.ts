import type { AvailabilityReport } from './report.types.js';
import { ReportFormat, type ReportLanguage } from './report-i18n.js';

/** The brand colour when a tenant has not set one. */
export const DEFAULT_BRAND_COLOR = '#1570ef';
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export interface TenantBranding {
  /** `#rrggbb`, validated on save. */
  primaryColor: string | null;
  /** A PNG or JPEG as a `data:image/…;base64,` URL, validated (type and size) on save. */
  logoDataUrl: string | null;
}

export interface CustomerPageData {
  tenantName: string;
  customerName: string;
  /** YYYY-MM */
  month: string;
  report: AvailabilityReport;
  /** Display names by service id: what a customer may see of the incidents (no host names, addresses or reasons). */
  serviceNames: Map<string, string>;
  language: ReportLanguage;
  branding: TenantBranding;
}

export type DayTone = 'ok' | 'warn' | 'bad' | 'none';
export type SlaTone = 'ok' | 'risk' | 'breach' | 'none';

/**
 * Everything a customer reads about one month, already formatted in the customer's language and the tenant's zone.
 * The HTML page, the PDF and the e-mail all print from this one view, so they cannot disagree.
 */
export interface CustomerReportView {
  language: ReportLanguage;
  timeZone: string;
  color: string;
  logo: { dataUrl: string; bytes: Buffer; type: 'image/png' | 'image/jpeg' } | null;
  tenantName: string;
  customerName: string;
  month: string;
  monthLabel: string;
  title: string;
  zoneNote: string;
  maintenanceNote: string;
  /** Said whenever part of the month was not seen (never counted as uptime); null when all of it was. */
  unobservedNote: string | null;
  /** A month not over yet: "Month in progress: figures up to …"; null for a month that has ended. */
  progressNote: string | null;
  /** A customer first served after the period began: "Counted from …" (the grey days before said in words); else null. */
  startNote: string | null;
  /** When the figures were computed and by which accounting method: what a dispute over them starts from. */
  computedNote: string;
  /** Degraded time, reported apart (not downtime); null when there was none. */
  degraded: string | null;
  availability: string;
  downtime: string;
  incidentCount: string;
  incidentLabel: string;
  /** `tone`: met (or on track so far), at risk (a month in progress over its pro-rated allowance), missed, or none. */
  sla: { met: boolean | null; tone: SlaTone; status: string; targetPercent: string; allowed: string; target: string } | null;
  failures: number;
  days: { label: string; dayOfMonth: string; title: string; tone: DayTone; color: string }[];
  /** What the bars' colours say. */
  dayLegend: string;
  incidents: { service: string; start: string; end: string; duration: string; planned: string }[];
  format: ReportFormat;
}

const TONE_COLORS: Record<Exclude<DayTone, 'ok'>, string> = { warn: '#f79009', bad: '#d92d20', none: '#d0d5dd' };

/** The SLA status's colour by tone, on the page (its CSS classes) and in the PDF: one table for both. */
export const SLA_TONE_COLORS: Record<SlaTone, string> = { ok: '#067647', risk: '#b54708', breach: '#b42318', none: '#667085' };

/** Whether the report's period has ended (false: a month in progress, its figures as of `asOf`). */
export function periodOver(report: Pick<AvailabilityReport, 'asOf' | 'to'>): boolean {
  return report.asOf.getTime() >= report.to.getTime();
}

/** A day is ok at or above the target (99.9 % when the customer has none), warn above 99 %, bad below. */
function dayTone(availability: number | null, target: number): DayTone {
  if (availability === null) return 'none';
  if (availability >= target) return 'ok';
  return availability >= 0.99 ? 'warn' : 'bad';
}

/** Less than this counted late is the period's own edge (a link dated a few seconds in), not a later start. */
const LATE_START_MS = 60_000;

/**
 * "Counted from …" when the first counted instant is later than the period's start: the customer's first service began
 * within it. Read from the day buckets: the first one that counts anything counts up to its end (or to now), so its
 * counted time ends there and began that much earlier.
 */
function countedFrom(report: AvailabilityReport, f: ReportFormat): string | null {
  const first = report.series.find((d) => d.figures.periodMs > 0);
  if (!first) return null;
  const start = Math.min(first.to.getTime(), report.asOf.getTime()) - first.figures.periodMs;
  return start - report.from.getTime() >= LATE_START_MS ? f.t.countedFrom(f.dateTime(new Date(start))) : null;
}

export function decodeLogo(dataUrl: string | null): CustomerReportView['logo'] {
  const match = dataUrl ? /^data:(image\/png|image\/jpeg);base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl) : null;
  if (!match) return null;
  return { dataUrl: dataUrl!, type: match[1] as 'image/png' | 'image/jpeg', bytes: Buffer.from(match[2]!, 'base64') };
}

/**
 * `met` null: nothing of the period was accountable (before the customer's first service, or nothing observed) —
 * neither met nor missed. A month in progress is never "met": it is on track so far, or at risk, until it is over.
 */
function slaView(sla: NonNullable<AvailabilityReport['sla']>, availability: number | null, f: ReportFormat): NonNullable<CustomerReportView['sla']> {
  const targetPercent = f.targetPercent(sla.targetPercent);
  const allowed = f.duration(sla.allowedDowntimeMs);
  const met = availability === null ? null : !sla.breached;
  const tone: SlaTone = met === null ? 'none' : !met ? 'breach' : sla.periodOver ? 'ok' : sla.atRisk ? 'risk' : 'ok';
  const status = met === null ? f.t.noData : !met ? f.t.missed : sla.periodOver ? f.t.met : sla.atRisk ? f.t.atRisk : f.t.onTrack;
  // To date alone read as the month's budget ("allowed 22 min" of a 3 h 43 min month): both are said until it is over.
  const target = sla.periodOver ? f.t.target(targetPercent, allowed) : f.t.targetSoFar(targetPercent, allowed, f.duration(sla.periodAllowedDowntimeMs));
  return { met, tone, status, targetPercent, allowed, target };
}

export function buildCustomerReportView(data: CustomerPageData): CustomerReportView {
  const { report } = data;
  const f = new ReportFormat(data.language, report.timeZone);
  const t = f.t;
  // Validated on save; checked again because it goes into CSS and the PDF unescaped.
  const color = data.branding.primaryColor && HEX_COLOR.test(data.branding.primaryColor) ? data.branding.primaryColor : DEFAULT_BRAND_COLOR;
  const target = report.sla ? report.sla.targetPercent / 100 : 0.999;
  const totals = report.totals;
  const monthLabel = f.month(data.month);
  return {
    language: data.language,
    timeZone: report.timeZone,
    color,
    logo: decodeLogo(data.branding.logoDataUrl),
    tenantName: data.tenantName,
    customerName: data.customerName,
    month: data.month,
    monthLabel,
    title: t.pageTitle(data.customerName, monthLabel),
    zoneNote: t.timesIn(report.timeZone),
    maintenanceNote: t.maintenanceNotCounted,
    unobservedNote: totals.unobservedMs > 0 && totals.periodMs > 0 ? t.unobserved(f.observedShare(totals.observedMs / totals.periodMs), f.duration(totals.unobservedMs)) : null,
    progressNote: periodOver(report) ? null : t.inProgress(f.dateTime(report.asOf)),
    startNote: countedFrom(report, f),
    computedNote: t.computed(f.dateTime(report.computedAt), report.policyVersion),
    degraded: totals.degradedMs > 0 ? f.duration(totals.degradedMs) : null,
    availability: f.percent(totals.availability),
    downtime: f.duration(totals.downtimeMs),
    incidentCount: f.count(totals.failures),
    incidentLabel: t.incidents(f.plural(totals.failures)),
    sla: report.sla ? slaView(report.sla, totals.availability, f) : null,
    failures: totals.failures,
    days: report.series.map((d) => {
      // The middle of the bucket names its local day even on 23 h and 25 h days.
      const middle = new Date((d.from.getTime() + d.to.getTime()) / 2);
      const label = f.day(middle);
      const tone = dayTone(d.figures.availability, target);
      const title = d.figures.availability === null ? `${label}: ${t.noData}` : t.dayTitle(label, f.percent(d.figures.availability), f.duration(d.figures.downtimeMs));
      return { label, dayOfMonth: String(Number(f.isoDay(middle).slice(8))), title, tone, color: tone === 'ok' ? color : TONE_COLORS[tone] };
    }),
    dayLegend: t.dayLegend(f.targetPercent(target * 100)),
    incidents: outagesPerService(report.incidents).map((i) => ({
      service: (i.serviceId && data.serviceNames.get(i.serviceId)) || t.serviceFallback,
      start: f.dateTime(i.openedAt),
      end: i.resolvedAt ? f.dateTime(i.resolvedAt) : t.ongoing,
      duration: i.resolvedAt ? f.duration(i.resolvedAt.getTime() - i.openedAt.getTime()) : '–',
      planned: i.planned ? t.planned : '',
    })),
    format: f,
  };
}

/**
 * A customer reads outages of its services, not Vigia's incidents per monitor: the incidents of one service that
 * overlap (its IMAP check and its mail round trip, down together) are one row, from the first start to the last end —
 * the table listed two rows under a headline of "1 incident". Planned only when all of them were.
 */
export function outagesPerService<T extends { serviceId: string | null; openedAt: Date; resolvedAt: Date | null; planned: boolean }>(incidents: T[]): T[] {
  const sorted = [...incidents].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const out: T[] = [];
  const open = new Map<string, T>();
  for (const i of sorted) {
    const key = i.serviceId ?? '';
    const last = i.serviceId ? open.get(key) : undefined;
    if (last && (last.resolvedAt === null || i.openedAt.getTime() <= last.resolvedAt.getTime())) {
      const merged = { ...last, resolvedAt: last.resolvedAt === null || i.resolvedAt === null ? null : new Date(Math.max(last.resolvedAt.getTime(), i.resolvedAt.getTime())), planned: last.planned && i.planned };
      out[out.indexOf(last)] = merged;
      open.set(key, merged);
      continue;
    }
    out.push(i);
    open.set(key, i);
  }
  return out;
}
