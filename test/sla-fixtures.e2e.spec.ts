import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, formatPercent } from '#lib/reports';
import { pathOf, startTestApi, type TestApi } from './support/test-api.js';

/**
 * Hand-derived SLA fixtures, each number worked out in a comment, checked through GraphQL, the customer page's JSON
 * export and the monthly e-mail — which must agree. Three calendars: UTC, Europe/Madrid (DST jump at 02:00) and
 * Atlantic/Azores (DST jump at 00:00: 29 March 2026 starts at 01:00 and lasts 23 h).
 */
const H = 3_600_000;
const M = 60_000;
const iso = (s: string) => new Date(s).toISOString();

const REPORT = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) {
  from to timeZone policyVersion computedAt asOf
  totals { periodMs observedMs unobservedMs accountableMs plannedMs downtimeMs availability failures repairs mttrMs mtbfMs
    openOutages ongoing { since soFarMs } crossCheck { availability reason } }
  series { from to figures { periodMs downtimeMs availability } }
  sla { targetPercent allowedDowntimeMs usedMs breached } } }`;

interface Figures {
  periodMs: number;
  observedMs: number;
  unobservedMs: number;
  accountableMs: number;
  plannedMs: number;
  downtimeMs: number;
  availability: number | null;
  failures: number;
  repairs: number;
  mttrMs: number | null;
  mtbfMs: number | null;
  openOutages: number;
  ongoing: { since: string; soFarMs: number } | null;
  crossCheck: { availability: number; reason: string } | null;
}
interface Report {
  from: string;
  to: string;
  timeZone: string;
  policyVersion: number;
  totals: Figures;
  series: { from: string; to: string; figures: { periodMs: number; downtimeMs: number; availability: number | null } }[];
  sla: { targetPercent: number; allowedDowntimeMs: number; usedMs: number; breached: boolean } | null;
}

describe('SLA fixtures derived by hand, in three calendars, on every surface', () => {
  let api: TestApi;
  let db: DataSource;

  beforeAll(async () => {
    api = await startTestApi();
    db = api.app.get(DataSource);
  }, 60_000);
  afterAll(() => api?.close());

  /** A tenant in `zone` with one host, services with one HTTP monitor each, and a customer. */
  async function company(slug: string, zone: string, services: string[]) {
    const { token, tenantId } = await api.tenant(slug);
    const gql = <T,>(q: string, v?: Record<string, unknown>): Promise<T> => api.ok<T>(q, v, token);
    await gql(`mutation { updateTenant(input: {timeZone: "${zone}"}) { timeZone } }`);
    const host = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    const customer = (await gql<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Bakery", email: "bakery@example.test"}) { id } }')).createCustomer.id;
    const ids: Record<string, { service: string; monitor: string }> = {};
    for (const name of services) {
      const service = (await gql<{ createService: { id: string } }>(`mutation { createService(input: {name: "${name}", type: web, hostId: "${host}"}) { id } }`)).createService.id;
      const monitor = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name} http", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
      ids[name] = { service, monitor };
    }
    // Everything existed (and had its first verdict) long before the periods below.
    await db.query("UPDATE monitors SET created_at = '2025-06-01T00:00:00Z' WHERE tenant_id = $1", [tenantId]);
    await db.query(
      "INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors WHERE tenant_id = $1",
      [tenantId],
    );
    const outage = (name: string, from: string, to: string | null) =>
      db.query(
        "INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, 'fixture')",
        [tenantId, ids[name]!.monitor, host, ids[name]!.service, to ? 'resolved' : 'open', new Date(from), to ? new Date(to) : null],
      );
    const link = (name: string, startsAt: string, weight = 1) =>
      gql(`mutation($i: SetServiceCustomerLinkInput!) { setServiceCustomerLink(input: $i) { id } }`, { i: { serviceId: ids[name]!.service, customerId: customer, startsAt: iso(startsAt), weight } });
    const report = async (kind: string, id: string | undefined, period: string, extra: Record<string, unknown> = {}): Promise<Report> =>
      (await gql<{ availabilityReport: Report }>(REPORT, { i: { subject: { kind, ...(id ? { id } : {}) }, period, ...extra } })).availabilityReport;
    const pageAs = async (month: string, format?: string): Promise<string> => {
      const path = pathOf((await gql<{ customerReportLink: string }>(`mutation { customerReportLink(customerId: "${customer}", month: "${month}") }`)).customerReportLink);
      return (await fetch(`${api.url}${path}${format ? `&format=${format}` : ''}`)).text();
    };
    const pageJson = async (month: string): Promise<Report> => JSON.parse(await pageAs(month, 'json')) as Report;
    const mail = async (month: string) => (await gql<{ previewMonthlyReport: { subject: string; text: string } }>(`mutation { previewMonthlyReport(customerId: "${customer}", month: "${month}") { subject text } }`)).previewMonthlyReport;
    return { gql, ids, customer, outage, link, report, pageJson, pageAs, mail };
  }

  it('UTC, October 2026: an outage repaired, one cut by the month’s end, and 5 h 40 min nobody watched', async () => {
    const c = await company('fx-utc', 'UTC', ['www']);
    await c.link('www', '2025-06-01T00:00:00Z');
    await c.outage('www', '2026-10-10T10:00:00Z', '2026-10-10T11:00:00Z'); // 1 h, repaired
    await c.outage('www', '2026-10-31T22:00:00Z', '2026-11-01T02:00:00Z'); // 2 h in October, repaired in November
    // The watchdogs' heartbeats stopped on 20 October from 00:00 to 05:40 (the database was down).
    await db.query('DELETE FROM observation_spans');
    await db.query("INSERT INTO observation_spans (started_at, ended_at) VALUES ('1970-01-01T00:00:00Z', '2026-10-20T00:00:00Z'), ('2026-10-20T05:40:00Z', now())");
    await c.gql(`mutation { setSlaTarget(customerId: "${c.customer}", targetPercent: 99.9) { id } }`);

    const r = await c.report('customer', c.customer, '2026-10');
    // 31 days = 744 h; unobserved 5 h 40 min; accountable 744 h − 5 h 40 min = 738 h 20 min = 44,300 min.
    // Down 1 h + 2 h = 3 h: availability (44,300 − 180) / 44,300 = 44,120 / 44,300.
    expect(r).toMatchObject({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', timeZone: 'UTC', policyVersion: 2 });
    expect(r.totals).toMatchObject({ periodMs: 744 * H, unobservedMs: 340 * M, observedMs: 744 * H - 340 * M, accountableMs: 44_300 * M, downtimeMs: 3 * H });
    expect(r.totals.availability).toBe(44_120 / 44_300);
    // Two failures, one repair: MTTR 1 h (not 1.5 h); the second is ongoing at the month's end, 2 h so far.
    expect(r.totals).toMatchObject({ failures: 2, repairs: 1, mttrMs: H, openOutages: 1, ongoing: { since: '2026-10-31T22:00:00.000Z', soFarMs: 2 * H } });
    // MTBF = up / failures = 44,120 min / 2; cross-check 22,060 / (22,060 + 60) differs: one outage not repaired.
    expect(r.totals.mtbfMs).toBe(22_060 * M);
    expect(r.totals.crossCheck).toEqual({ availability: 22_060 / 22_120, reason: '1 outage was not repaired by the end of the period, so MTTR leaves it out' });
    // 99.9 % of 44,300 min = 44.3 min = 2,658,000 ms allowed; 3 h used: breached.
    expect(r.sla).toEqual({ targetPercent: 99.9, allowedDowntimeMs: 2_658_000, usedMs: 3 * H, breached: true });
    // The 20th: 24 h − 5 h 40 min observed, all up.
    expect(r.series[19]!.figures).toMatchObject({ periodMs: 24 * H, downtimeMs: 0, availability: 1 });

    // November: the carried-in outage is a failure there, and its repair (2 h in November).
    const nov = await c.report('customer', c.customer, '2026-11', { asOf: '2026-11-15T00:00:00Z' });
    expect(nov.totals).toMatchObject({ downtimeMs: 2 * H, failures: 1, repairs: 1, mttrMs: 2 * H, ongoing: null, periodMs: 14 * 24 * H });

    // The page's JSON and the e-mail say the same.
    const page = await c.pageJson('2026-10');
    expect(page.totals).toMatchObject({ downtimeMs: 3 * H, unobservedMs: 340 * M, availability: 44_120 / 44_300, repairs: 1 });
    const mail = await c.mail('2026-10');
    expect(mail.text).toContain(formatPercent(44_120 / 44_300));
    expect(mail.text).toContain(formatDuration(3 * H));
    // Observed (744 h − 5 h 40 min) / 744 h = 44,300 / 44,640 = 99.2383… % → "99.238 %" (truncated like availability),
    // said on every surface.
    const unseen = 'Observed 99.238 % of the period; 5 h 40 min unobserved';
    expect(mail.text).toContain(unseen);
    const html = await c.pageAs('2026-10');
    expect(html).toContain(unseen);
    expect(html).toContain('99.593 %');
    expect(html).toContain('allowed 44 min 18 s');
    const csv = await c.pageAs('2026-10', 'csv');
    expect(csv.split('\n').find((l) => l.startsWith('2026-10-10,'))).toMatch(/^2026-10-10,[0-9.]+,3600000,0/);
  });

  it('Europe/Madrid, March 2026: 743 h; an outage across the 02:00 jump is 1.5 h; a customer signed on 10 March', async () => {
    const c = await company('fx-madrid', 'Europe/Madrid', ['shop']);
    // Before the customer: 5 March 10:00–12:00 CET (09:00–11:00Z), 2 h.
    await c.outage('shop', '2026-03-05T09:00:00Z', '2026-03-05T11:00:00Z');
    // 29 March 01:30 CET (00:30Z) to 04:00 CEST (02:00Z): the wall clock says 2.5 h, the outage lasted 1.5 h.
    await c.outage('shop', '2026-03-29T00:30:00Z', '2026-03-29T02:00:00Z');
    // Served from 10 March 00:00 local (9 March 23:00Z).
    await c.link('shop', '2026-03-09T23:00:00Z');

    const service = await c.report('service', c.ids.shop!.service, '2026-03');
    // 1 March 00:00 CET = 28 Feb 23:00Z to 1 April 00:00 CEST = 31 March 22:00Z: 743 h. Down 2 h + 1.5 h.
    expect(service).toMatchObject({ from: '2026-02-28T23:00:00.000Z', to: '2026-03-31T22:00:00.000Z' });
    expect(service.totals).toMatchObject({ periodMs: 743 * H, downtimeMs: 3.5 * H, failures: 2, repairs: 2, mttrMs: 1.75 * H });
    expect(service.totals.availability).toBe(739.5 / 743);
    expect(service.series).toHaveLength(31);
    // 29 March is 23 h long; 1.5 h down.
    expect(service.series[28]).toMatchObject({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z', figures: { periodMs: 23 * H, downtimeMs: 1.5 * H } });

    const customer = await c.report('customer', c.customer, '2026-03');
    // Counted from 9 March 23:00Z to 31 March 22:00Z: 22 days minus the lost hour = 527 h. Only the 1.5 h outage.
    expect(customer.totals).toMatchObject({ periodMs: 527 * H, downtimeMs: 1.5 * H, failures: 1, repairs: 1 });
    expect(customer.totals.availability).toBe(525.5 / 527);
    const page = await c.pageJson('2026-03');
    expect(page.totals).toMatchObject({ periodMs: 527 * H, downtimeMs: 1.5 * H, availability: 525.5 / 527 });
    const mail = await c.mail('2026-03');
    expect(mail.text).toContain(formatPercent(525.5 / 527));
    expect(mail.text).toContain(formatDuration(1.5 * H));
  });

  it('UTC, November 2026: a link whose weight changed mid-month weighs each stretch by its own weight', async () => {
    const c = await company('fx-weights', 'UTC', ['web', 'mail']);
    await c.link('web', '2025-06-01T00:00:00Z', 1);
    // mail weighs 2 until 20 November, then 0.5 (a new period; the first one ends where it starts).
    const first = (await c.gql<{ setServiceCustomerLink: { id: string } }>(`mutation($i: SetServiceCustomerLinkInput!) { setServiceCustomerLink(input: $i) { id } }`, { i: { serviceId: c.ids.mail!.service, customerId: c.customer, startsAt: iso('2025-06-01T00:00:00Z'), endsAt: iso('2026-11-20T00:00:00Z'), weight: 2 } })).setServiceCustomerLink.id;
    expect(first).toBeTruthy();
    await c.link('mail', '2026-11-20T00:00:00Z', 0.5);
    await c.outage('web', '2026-11-12T10:00:00Z', '2026-11-12T11:00:00Z');
    await c.gql(`mutation { setSlaTarget(customerId: "${c.customer}", targetPercent: 99.9, policy: {customerCombination: weighted}) { id } }`);
    // 4 to 19 November (360 h), all of it while mail weighed 2: (1 × 359 h + 2 × 360 h) / (3 × 360 h) = 1079 / 1080,
    // downtime 1 h × 1 / 3 = 20 min. (With the latest weight, 0.5, it read 539 / 540 and 40 min.)
    const r = (await c.gql<{ availabilityReport: Report }>(REPORT, { i: { subject: { kind: 'customer', id: c.customer }, from: iso('2026-11-04T00:00:00Z'), to: iso('2026-11-19T00:00:00Z') } })).availabilityReport;
    expect(r.totals.availability).toBe(1079 / 1080);
    expect(r.totals).toMatchObject({ downtimeMs: 20 * M, accountableMs: 360 * H, failures: 1 });
    // 15 to 25 November (240 h): mail weighs 2 for 5 days, 0.5 for 5 days; web's hour is not in it: 100 %.
    const later = (await c.gql<{ availabilityReport: Report }>(REPORT, { i: { subject: { kind: 'customer', id: c.customer }, from: iso('2026-11-15T00:00:00Z'), to: iso('2026-11-25T00:00:00Z') } })).availabilityReport;
    expect(later.totals).toMatchObject({ availability: 1, downtimeMs: 0, failures: 0 });
  });

  it('lists the incidents of the customer’s time: not one after its link ended; one inside maintenance listed, not counted', async () => {
    const c = await company('fx-listed', 'UTC', ['www']);
    await c.gql(`mutation($i: SetServiceCustomerLinkInput!) { setServiceCustomerLink(input: $i) { id } }`, { i: { serviceId: c.ids.www!.service, customerId: c.customer, startsAt: iso('2025-06-01T00:00:00Z'), endsAt: iso('2026-11-20T00:00:00Z') } });
    await c.outage('www', '2026-11-05T10:00:00Z', '2026-11-05T11:00:00Z'); // counted
    await c.outage('www', '2026-11-07T10:00:00Z', '2026-11-07T10:30:00Z'); // inside the window below
    await c.outage('www', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z'); // after the link ended
    const [service] = [c.ids.www!.service];
    await c.gql(`mutation { createMaintenanceWindow(input: {name: "upgrade", startsAt: "2026-11-07T09:00:00Z", endsAt: "2026-11-07T12:00:00Z", serviceIds: ["${service}"]}) { id } }`);
    const q = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { totals { failures downtimeMs } incidents { openedAt } } }`;
    const r = (await c.gql<{ availabilityReport: { totals: { failures: number; downtimeMs: number }; incidents: { openedAt: string }[] } }>(q, { i: { subject: { kind: 'customer', id: c.customer }, period: '2026-11', asOf: '2026-12-01T00:00:00Z' } })).availabilityReport;
    expect(r.totals).toEqual({ failures: 1, downtimeMs: H });
    expect(r.incidents.map((i) => i.openedAt)).toEqual(['2026-11-05T10:00:00.000Z', '2026-11-07T10:00:00.000Z']);
    // The service (no link) has all three: two counted, the maintenance one listed.
    const svc = (await c.gql<{ availabilityReport: { totals: { failures: number }; incidents: { openedAt: string }[] } }>(q, { i: { subject: { kind: 'service', id: service }, period: '2026-11', asOf: '2026-12-01T00:00:00Z' } })).availabilityReport;
    expect(svc.totals.failures).toBe(2);
    expect(svc.incidents).toHaveLength(3);
  });

  it('never reads better than measured: the percent is truncated, and a month with nothing accountable is "no data", not "met"', async () => {
    const c = await company('fx-truncate', 'UTC', ['www']);
    await c.link('www', '2026-09-01T00:00:00Z');
    // 15.553 s down in 18 days (1,555,200,000 ms): 99.99899999936 %, below a 99.999 % target (15.552 s allowed).
    await c.outage('www', '2026-09-10T10:00:00Z', '2026-09-10T10:00:15.553Z');
    await c.gql(`mutation { setSlaTarget(customerId: "${c.customer}", targetPercent: 99.999) { id } }`);
    const q = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { totals { percent availability } sla { breached } } }`;
    const r = (await c.gql<{ availabilityReport: { totals: { percent: number; availability: number }; sla: { breached: boolean } } }>(q, { i: { subject: { kind: 'customer', id: c.customer }, from: iso('2026-09-01T12:00:00Z'), to: iso('2026-09-19T12:00:00Z') } })).availabilityReport;
    expect(r.sla.breached).toBe(true);
    // Rounded, it was 99.999 (the dashboard printed "99.999 %" beside a breach); truncated it is below the target.
    expect(r.totals.percent).toBe(99.998999);
    // August: before the customer's first service — neither met nor missed (the e-mail's preview), and no link to it
    // is made: a customer would open a month that has nothing to report.
    const august = (await c.mail('2026-08')).text;
    expect(august).toContain('no data');
    expect(august).not.toMatch(/: met /);
    await expect(c.pageAs('2026-08')).rejects.toThrow(/"field":"month"/);
  });

  it('Atlantic/Azores, March 2026: midnight skipped on the 29th; a weighted customer of two services', async () => {
    const c = await company('fx-azores', 'Atlantic/Azores', ['web', 'mail']);
    await c.link('web', '2025-06-01T00:00:00Z', 3);
    await c.link('mail', '2025-06-01T00:00:00Z', 1);
    // 28 March 23:30 (-01) = 29 March 00:30Z to 29 March 01:30 (+00) = 01:30Z: 1 h across the jump.
    await c.outage('web', '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z');
    await c.gql(`mutation { setSlaTarget(customerId: "${c.customer}", targetPercent: 99.5, policy: {customerCombination: weighted}) { id } }`);

    const web = await c.report('service', c.ids.web!.service, '2026-03');
    // 1 March 00:00 (-01) = 01:00Z to 1 April 00:00 (+00) = 00:00Z: 743 h.
    expect(web).toMatchObject({ from: '2026-03-01T01:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(web.totals).toMatchObject({ periodMs: 743 * H, downtimeMs: H });
    // 28 March (local) is 01:00Z–01:00Z: 30 min down; 29 March starts at 01:00Z (01:00 local), 23 h, 30 min down.
    expect(web.series[27]).toMatchObject({ from: '2026-03-28T01:00:00.000Z', to: '2026-03-29T01:00:00.000Z', figures: { downtimeMs: 30 * M } });
    expect(web.series[28]).toMatchObject({ from: '2026-03-29T01:00:00.000Z', to: '2026-03-30T00:00:00.000Z', figures: { periodMs: 23 * H, downtimeMs: 30 * M } });

    const customer = await c.report('customer', c.customer, '2026-03');
    // Weighted: (3 × 742 h + 1 × 743 h) / (4 × 743 h) = 2969 / 2972; equivalent downtime 3 × 1 h / 4 = 45 min.
    expect(customer.totals.availability).toBe(2969 / 2972);
    expect(customer.totals).toMatchObject({ downtimeMs: 45 * M, accountableMs: 743 * H, failures: 1, repairs: 1, mttrMs: H });
    // 99.5 % of 743 h = 3.715 h = 13,374,000 ms allowed; 45 min used.
    expect(customer.sla).toMatchObject({ allowedDowntimeMs: 13_374_000, usedMs: 45 * M, breached: false });
    const page = await c.pageJson('2026-03');
    expect(page.totals.availability).toBe(2969 / 2972);
    const mail = await c.mail('2026-03');
    expect(mail.text).toContain(formatPercent(2969 / 2972));
    expect(mail.text).toContain(formatDuration(45 * M));
  });
});
