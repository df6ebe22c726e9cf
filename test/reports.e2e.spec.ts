import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf, startTestApi, type TestApi } from './support/test-api.js';

const H = 3_600_000;
const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 9, day, hour, minute));

const REPORT = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) {
  subjectName timeZone policy
  totals { observedMs plannedMs downtimeMs availability percent nines failures mtbfMs mttrMs }
  series { from to figures { downtimeMs availability } }
  incidents { id openedAt }
  sla { targetPercent allowedDowntimeMs usedMs remainingMs breached } } }`;
const PACE = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { sla { allowedDowntimeMs periodAllowedDowntimeMs usedMs breached atRisk periodOver } } }`;

interface Report {
  subjectName: string;
  totals: { observedMs: number; plannedMs: number; downtimeMs: number; availability: number; failures: number; mtbfMs: number; mttrMs: number };
  series: { from: string; figures: { downtimeMs: number; availability: number } }[];
  incidents: { id: string }[];
  sla: { allowedDowntimeMs: number; usedMs: number; breached: boolean } | null;
}

describe('availability reports over GraphQL, from stored incidents and maintenance', () => {
  let api: TestApi;
  let token: string;
  const ids: Record<string, string> = {};
  const report = async (kind: string, id: string | undefined, extra: Record<string, unknown> = {}) => {
    const data = await api.ok<{ availabilityReport: Report }>(REPORT, { i: { subject: { kind, id }, from: at(1, 0).toISOString(), to: new Date(Date.UTC(2026, 10, 1)).toISOString(), ...extra } }, token);
    return data.availabilityReport;
  };

  beforeAll(async () => {
    api = await startTestApi();
    const tenant = await api.tenant('reports');
    token = tenant.token;
    const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, token);
    ids.customer = (await run<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Bakery"}) { id } }')).createCustomer.id;
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    ids.service = (await run<{ createService: { id: string } }>(`mutation { createService(input: {name: "www", type: web, hostId: "${ids.host}", customerIds: ["${ids.customer}"]}) { id } }`)).createService.id;
    const monitor = async (name: string, type: string, config: string, service?: string) =>
      (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name}", type: ${type}, hostId: "${ids.host}", ${service ? `serviceId: "${service}",` : ''} config: ${config}, intervalMs: 10000, timeoutMs: 5000}) { id } }`)).createMonitor.id;
    ids.http = await monitor('www http', 'http', '{url: "http://192.0.2.10/"}', ids.service);
    ids.tcp = await monitor('www tcp', 'tcp', '{port: 80}', ids.service);
    ids.ping = await monitor('web1 ping', 'icmp', '{}');
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    // The customers were served from then on, too (a link counts from its start).
    await db.query("UPDATE service_customers SET starts_at = '2026-09-01T00:00:00Z'");
    // As a watchdog would: the first verdict right at creation (without one the time is unobserved).
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors");
    const incident = (monitor: string, serviceId: string | null, from: Date, to: Date) =>
      db.query(
        `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, 'resolved', $5, $6, 'fixture')`,
        [tenant.tenantId, monitor, ids.host, serviceId, from, to],
      );
    await incident(ids.http, ids.service, at(10, 10), at(10, 11));
    await incident(ids.tcp, ids.service, at(10, 10, 30), at(10, 12));
    await incident(ids.ping, null, at(20, 0), at(20, 0, 30));
    await incident(ids.http, ids.service, at(25, 3), at(25, 4));
    await run(`mutation { createMaintenanceWindow(input: {name: "kernel", startsAt: "${at(25, 2).toISOString()}", endsAt: "${at(25, 6).toISOString()}", hostIds: ["${ids.host}"]}) { id } }`);
  }, 60_000);
  afterAll(() => api?.close());

  it('a service is down while any of its monitors is; maintenance is excluded from both sides', async () => {
    const r = await report('service', ids.service, { targetPercent: 99.9 });
    expect(r.subjectName).toBe('www');
    expect(r.totals).toMatchObject({ observedMs: 744 * H, plannedMs: 4 * H, downtimeMs: 2 * H, failures: 1 });
    expect(r.totals.availability).toBeCloseTo(738 / 740, 12);
    expect(r.totals.mtbfMs! / (r.totals.mtbfMs! + r.totals.mttrMs!)).toBeCloseTo(r.totals.availability, 12);
    // 99.9 % of the 740 accountable hours: 0.74 h allowed, 2 h used.
    expect(r.sla).toEqual({ targetPercent: 99.9, allowedDowntimeMs: 2_664_000, usedMs: 7_200_000, remainingMs: -4_536_000, breached: true });
    expect(r.series).toHaveLength(31);
    expect(r.series[9]).toMatchObject({ from: '2026-10-10T00:00:00.000Z', figures: { downtimeMs: 2 * H } });
    // A month to date (the report as it stood on 11 October): 2 h down is over 99.5 %'s pace (1.2 h allowed in the 240
    // hours so far), yet within the 3.72 h of the month's 744 (what is ahead counted whole) — at risk, not breached. The whole month: met.
    const pace = async (asOf: Date) => (await api.ok<{ availabilityReport: { sla: Record<string, unknown> } }>(PACE, { i: { subject: { kind: 'service', id: ids.service }, from: at(1, 0).toISOString(), to: new Date(Date.UTC(2026, 10, 1)).toISOString(), targetPercent: 99.5, asOf: asOf.toISOString() } }, token)).availabilityReport.sla;
    expect(await pace(at(11, 0))).toEqual({ allowedDowntimeMs: 0.005 * 240 * H, periodAllowedDowntimeMs: 0.005 * 744 * H, usedMs: 2 * H, breached: false, atRisk: true, periodOver: false });
    expect(await pace(new Date(Date.UTC(2026, 10, 2)))).toEqual({ allowedDowntimeMs: 0.005 * 740 * H, periodAllowedDowntimeMs: 0.005 * 740 * H, usedMs: 2 * H, breached: false, atRisk: false, periodOver: true });
    expect(r.series[9]!.figures.availability).toBeCloseTo(22 / 24, 12);
    expect(r.incidents).toHaveLength(3);
  });

  it('a monitor, a host, a customer and the tenant each add up as documented', async () => {
    const http = await report('monitor', ids.http);
    expect(http.totals).toMatchObject({ downtimeMs: 1 * H, failures: 1 });
    const host = await report('host', ids.host);
    expect(host.totals).toMatchObject({ downtimeMs: 0.5 * H, plannedMs: 4 * H });
    const customer = await report('customer', ids.customer);
    expect(customer.totals).toMatchObject({ downtimeMs: 2 * H });
    expect(customer.subjectName).toBe('Bakery');
    const tenant = await report('tenant', undefined, { granularity: 'week' });
    expect(tenant.totals).toMatchObject({ observedMs: 2 * 744 * H, plannedMs: 8 * H, downtimeMs: 2.5 * H, failures: 2 });
    expect(tenant.totals.availability).toBeCloseTo((1480 - 2.5) / 1480, 12);
  });

  it("uses the customer's SLA policy: weighted services, unconfirmed failures", async () => {
    const db = api.app.get(DataSource);
    const [{ tenant_id }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [ids.http]);
    // A 40-second suspect phase that recovered without being confirmed.
    await db.query(
      `INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) VALUES
        ($1, $2, '2026-10-15T08:00:00Z', '2026-10-15T08:00:00Z', 'up', 'suspect', false, 'x'),
        ($1, $2, '2026-10-15T08:00:40Z', '2026-10-15T08:00:40Z', 'suspect', 'up', false, 'x')`,
      [tenant_id, ids.http],
    );
    expect((await report('customer', ids.customer)).totals.downtimeMs).toBe(2 * H);
    const set = await api.gql(`mutation { setSlaTarget(customerId: "${ids.customer}", targetPercent: 99.5, policy: {suspectCountsAsDown: true}) { policy } }`, {}, token);
    expect(set.errors).toBeUndefined();
    const strict = await report('customer', ids.customer);
    expect(strict.totals.downtimeMs).toBe(2 * H + 40_000);
    expect(strict.sla).toMatchObject({ targetPercent: 99.5 });
    await api.gql(`mutation { setSlaTarget(customerId: "${ids.customer}", targetPercent: 99.5, policy: {customerCombination: weighted}) { id } }`, {}, token);
    expect((await report('customer', ids.customer)).totals.downtimeMs).toBe(2 * H);
  });

  it('follows the tenant time zone, and refuses an unknown one', async () => {
    const bad = await api.gql('mutation { updateTenant(input: {timeZone: "Mars/Olympus"}) { timeZone } }', {}, token);
    expect(bad.errors?.[0]).toMatchObject({ message: 'input.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Madrid)', extensions: { field: 'input.timeZone' } });
    expect((await api.gql('mutation { updateTenant(input: {timeZone: "Europe/Madrid"}) { timeZone } }', {}, token)).data).toEqual({ updateTenant: { timeZone: 'Europe/Madrid' } });
    const r = await report('service', ids.service);
    // Days now start at local midnight: 22:00 or 23:00 UTC.
    expect(r.series[1]!.from).toBe('2026-10-01T22:00:00.000Z');
    await api.gql('mutation { updateTenant(input: {timeZone: "UTC"}) { timeZone } }', {}, token);
  });

  it('refuses bad periods and another tenant’s subjects, naming the field', async () => {
    const inverted = await api.gql(REPORT, { i: { subject: { kind: 'service', id: ids.service }, from: at(5, 0).toISOString(), to: at(1, 0).toISOString() } }, token);
    expect(inverted.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.to' });
    const long = await api.gql(REPORT, { i: { subject: { kind: 'tenant' }, from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, token);
    expect(long.errors?.[0]?.message).toMatch(/at most 400 days/);
    const missing = await api.gql(REPORT, { i: { subject: { kind: 'host' }, from: at(1, 0).toISOString(), to: at(2, 0).toISOString() } }, token);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.subject.id' });
    const other = await api.tenant('other-reports');
    const foreign = await api.gql(REPORT, { i: { subject: { kind: 'customer', id: ids.customer }, from: at(1, 0).toISOString(), to: at(2, 0).toISOString() } }, other.token);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.subject.id' });
  });
});

describe('customer SLA pages by signed link', () => {
  let api: TestApi;
  let token: string;
  let customer: string;
  let other: string;

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.tenant('pages')).token;
    const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, token);
    customer = (await run<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Panadería <López>"}) { id } }')).createCustomer.id;
    other = (await run<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Other"}) { id } }')).createCustomer.id;
    const host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "internal-web-7", addresses: ["10.9.8.7"]}) { id } }')).createHost.id;
    const service = (await run<{ createService: { id: string } }>(`mutation { createService(input: {name: "Shop", type: web, hostId: "${host}", customerIds: ["${customer}"]}) { id } }`)).createService.id;
    const monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "internal-web-7 http", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://10.9.8.7/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`)).createMonitor.id;
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    // The customers were served from then on, too (a link counts from its start).
    await db.query("UPDATE service_customers SET starts_at = '2026-09-01T00:00:00Z'");
    // As a watchdog would: the first verdict right at creation (without one the time is unobserved).
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors");
    const [{ tenant_id }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [monitor]);
    await db.query(
      `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, 'resolved', '2026-10-10T10:00:00Z', '2026-10-10T10:43:12Z', 'HTTP 503 from 10.9.8.7')`,
      [tenant_id, monitor, host, service],
    );
    await run(`mutation { setSlaTarget(customerId: "${customer}", targetPercent: 99.9) { id } }`);
  }, 60_000);
  afterAll(() => api?.close());

  const link = async (customerId: string, month = '2026-10', expiresInDays = 30) => {
    const data = await api.ok<{ customerReportLink: string }>(`mutation { customerReportLink(customerId: "${customerId}", month: "${month}", expiresInDays: ${expiresInDays}) }`, {}, token);
    return pathOf(data.customerReportLink);
  };

  it('shows the customer its month: availability, the day bar, its incidents, its SLA — and nothing internal', async () => {
    const res = await fetch(`${api.url}${await link(customer)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain('Panadería &#60;López&#62;: service availability, October 2026');
    expect(html).toContain('All days and times in UTC.');
    expect(html).toContain('43 min 12 s');
    expect(html).toMatch(/<b class="ok">met<\/b>target 99.9 %/);
    expect(html.match(/class="day /g)).toHaveLength(31);
    expect(html).toContain('<td>Shop</td><td>Oct 10, 2026, 10:00</td>');
    expect(html).not.toMatch(/10\.9\.8\.7|internal-web-7|HTTP 503/);
  });

  it('exports the same numbers as CSV and JSON', async () => {
    const url = `${api.url}${await link(customer)}`;
    const csv = await (await fetch(`${url}&format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('day (UTC),availability,downtime_ms,planned_ms');
    expect(csv).toContain('2026-10-10,0.97,2592000,0');
    const json = (await (await fetch(`${url}&format=json`)).json()) as { totals: { downtimeMs: number }; sla: { breached: boolean } };
    expect(json.totals.downtimeMs).toBe(2_592_000);
    expect(json.sla.breached).toBe(false);
  });

  it('answers 404 to a tampered, re-targeted or expired link', async () => {
    const good = await link(customer);
    const tampered = good.replace(/m=2026-10/, 'm=2026-09');
    expect((await fetch(`${api.url}${tampered}`)).status).toBe(404);
    const retargeted = good.replace(customer, other);
    expect((await fetch(`${api.url}${retargeted}`)).status).toBe(404);
    const badSig = good.replace(/s=[^&]+/, 's=AAAA');
    expect((await fetch(`${api.url}${badSig}`)).status).toBe(404);
    const expired = new URL(`${api.url}${good}`);
    expired.searchParams.set('e', '1000');
    expect((await fetch(expired)).status).toBe(404);
  });

  it('signs links only for the caller’s own customers and valid months', async () => {
    const stranger = await api.tenant('stranger');
    const res = await api.gql(`mutation { customerReportLink(customerId: "${customer}", month: "2026-10") }`, {}, stranger.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'customerId' });
    const bad = await api.gql(`mutation { customerReportLink(customerId: "${customer}", month: "2026-13") }`, {}, token);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'month' });
    const future = await api.gql(`mutation { customerReportLink(customerId: "${customer}", month: "2999-01") }`, {}, token);
    expect(future.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^month: must be from \d{4}-\d{2} \(when .+ was created or first served\) to \d{4}-\d{2} \(this month\)$/), extensions: { code: 'VALIDATION_FAILED', field: 'month' } });
    const target = await api.gql(`mutation { setSlaTarget(customerId: "${customer}", targetPercent: 99.123456) { id } }`, {}, token);
    expect(target.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'targetPercent' });
  });
});
