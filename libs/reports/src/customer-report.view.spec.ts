import { describe, expect, it } from 'vitest';
import { renderCustomerPage } from './customer-page.js';
import { buildCustomerReportView, outagesPerService } from './customer-report.view.js';
import type { ReportLanguage } from './report-i18n.js';
import type { AvailabilityReport } from './report.types.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 20, minute));
const incident = (serviceId: string | null, from: number, to: number | null, planned = false) => ({ serviceId, openedAt: at(from), resolvedAt: to === null ? null : at(to), planned });

describe('outagesPerService: a customer reads outages of its services, not incidents per monitor', () => {
  it('merges one service\'s overlapping incidents (two monitors down together) into one, first start to last end', () => {
    expect(outagesPerService([incident('mail', 43, 45), incident('mail', 43.5, 44.9)])).toEqual([incident('mail', 43, 45)]);
    // Still open: the merged outage is open.
    expect(outagesPerService([incident('mail', 43, 45), incident('mail', 44, null)])).toEqual([incident('mail', 43, null)]);
  });

  it('keeps apart what does not overlap, other services, and host-level incidents; planned only when all were', () => {
    const rows = [incident('mail', 10, 12), incident('mail', 13, 14), incident('web', 10.5, 11), incident(null, 10, 11), incident(null, 10.5, 11.5)];
    expect(outagesPerService(rows)).toHaveLength(5);
    expect(outagesPerService([incident('mail', 10, 12, true), incident('mail', 11, 13, false)])).toEqual([incident('mail', 10, 13, false)]);
  });
});

describe('buildCustomerReportView: what a customer reads about a month', () => {
  const H = 3_600_000;
  const report = (asOf: Date, sla: { breached: boolean; atRisk: boolean; periodOver: boolean }, degradedMs = 0) =>
    // Only the fields the view reads; the rest of a report does not reach a customer.
    ({
      timeZone: 'Europe/Madrid', from: new Date('2026-11-30T23:00:00Z'), to: new Date('2026-12-31T23:00:00Z'), asOf, computedAt: new Date('2026-12-03T20:15:00Z'), policyVersion: 2,
      totals: { availability: 0.9995, downtimeMs: 0.5 * H, failures: 1, unobservedMs: 0, periodMs: 65 * H, observedMs: 65 * H, degradedMs },
      series: [], incidents: [], sla: { targetPercent: 99.9, allowedDowntimeMs: 0.065 * H, usedMs: 0.5 * H, remainingMs: 0, periodAllowedDowntimeMs: 0.744 * H, ...sla },
    }) as unknown as AvailabilityReport;
  const view = (r: AvailabilityReport, language: ReportLanguage = 'en') =>
    buildCustomerReportView({ tenantName: 'Hosting', customerName: 'Bakery', month: '2026-12', report: r, serviceNames: new Map(), language, branding: { primaryColor: null, logoDataUrl: null } });
  const inProgress = new Date('2026-12-03T20:00:00Z');

  it('says a month in progress is in progress, as of when, and never "met" before it is over', () => {
    const onTrack = view(report(inProgress, { breached: false, atRisk: false, periodOver: false }));
    expect(onTrack.progressNote).toBe('Month in progress: figures up to Dec 3, 2026, 21:00.');
    expect(onTrack.sla).toMatchObject({ status: 'on track so far', tone: 'ok', target: 'target 99.9 % (allowed 3 min 54 s to date, 44 min 38.4 s over the whole month)' });
    expect(view(report(inProgress, { breached: false, atRisk: true, periodOver: false })).sla).toMatchObject({ status: 'at risk', tone: 'risk' });
    expect(view(report(inProgress, { breached: true, atRisk: false, periodOver: false })).sla).toMatchObject({ status: 'missed', tone: 'breach' });
    const over = view(report(new Date('2026-12-31T23:00:00Z'), { breached: false, atRisk: false, periodOver: true }));
    expect(over.progressNote).toBeNull();
    expect(over.sla).toMatchObject({ status: 'met', tone: 'ok', target: 'target 99.9 % (allowed 3 min 54 s)' });
    expect(view(report(inProgress, { breached: false, atRisk: false, periodOver: false }), 'es').sla!.status).toBe('en camino de cumplirse');
  });

  it('prints when it was computed and by which accounting method, and degraded time apart when there was some', () => {
    const v = view(report(inProgress, { breached: false, atRisk: false, periodOver: false }, 90_000));
    expect(v.computedNote).toBe('Computed Dec 3, 2026, 21:15 · accounting method v2.');
    expect(v.degraded).toBe('1 min 30 s');
    expect(view(report(inProgress, { breached: false, atRisk: false, periodOver: false })).degraded).toBeNull();
    const html = renderCustomerPage(v);
    expect(v.dayLegend).toBe("One bar per day: the report's colour at or above 99.9 %, amber below it but above 99 %, red below 99 %, grey without data.");
    for (const s of ['Month in progress: figures up to Dec 3, 2026, 21:00.', 'Computed Dec 3, 2026, 21:15', '1 min 30 s</b>degraded (not counted as downtime)', 'class="ok">on track so far']) expect(html, s).toContain(s);
  });

  it('says from when a customer first served within the month is counted, in its language; nothing when served from the start', () => {
    const day = (d: number, periodMs: number) => ({ from: new Date(Date.UTC(2026, 10, d - 1, 23)), to: new Date(Date.UTC(2026, 10, d, 23)), figures: { periodMs } });
    // November in Madrid: nothing counted on the 1st–11th, the first service linked on the 12th at 09:30 (08:30 UTC), then whole days.
    const late = { ...report(new Date('2026-11-30T23:00:00Z'), { breached: false, atRisk: false, periodOver: true }), from: new Date('2026-10-31T23:00:00Z'), to: new Date('2026-11-30T23:00:00Z') } as AvailabilityReport;
    late.series = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((d) => day(d, 0)), day(12, 14.5 * H), day(13, 24 * H)] as unknown as AvailabilityReport['series'];
    expect(view(late).startNote).toBe('Counted from Nov 12, 2026, 09:30, when your first service began; the days before are grey and not part of these figures.');
    expect(view(late, 'de').startNote).toMatch(/^Gezählt ab 12\. Nov\. 2026, 09:30, als Ihr erster Dienst begann/);
    expect(renderCustomerPage(view(late))).toContain('<p class="started">Counted from Nov 12, 2026, 09:30');
    // Served since before the month: the first day counts whole, nothing said.
    const whole = { ...late, series: [day(1, 24 * H), day(2, 24 * H)] } as unknown as AvailabilityReport;
    expect(view(whole).startNote).toBeNull();
    // The month in progress, the first service begun today: counted from then up to now.
    const today = report(inProgress, { breached: false, atRisk: false, periodOver: false });
    today.series = [{ from: new Date('2026-12-02T23:00:00Z'), to: new Date('2026-12-03T23:00:00Z'), figures: { periodMs: 2 * H } }] as unknown as AvailabilityReport['series'];
    expect(view(today).startNote).toBe('Counted from Dec 3, 2026, 19:00, when your first service began; the days before are grey and not part of these figures.');
  });
});
