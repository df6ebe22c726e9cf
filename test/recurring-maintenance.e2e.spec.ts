import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../libs/detection/src/runtime/state-store.js';
import { startTestApi, type TestApi } from './support/test-api.js';

const H = 3_600_000;
const CREATE = 'mutation($i: MaintenanceWindowInput!) { createMaintenanceWindow(input: $i) { id recurrence timeZone recursUntil } }';
const REPORT = `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { totals { observedMs plannedMs downtimeMs failures } } }`;

/**
 * Recurring maintenance windows (issue 21: "weekly Tuesday 02:00–03:00 in a zone"): the same expansion for the
 * detector (an outage in the slot is planned, one outside it is not), the fleet and the reports — across the night the
 * clocks go back in Madrid.
 */
describe('recurring maintenance windows', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  let host: string;
  let monitor: string;
  const run = <T,>(q: string, v: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, v, token);

  beforeAll(async () => {
    api = await startTestApi();
    const t = await api.tenant('recurring');
    token = t.token;
    tenantId = t.tenantId;
    host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "db1", addresses: ["192.0.2.20"]}) { id } }')).createHost.id;
    monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "mysql tcp", type: tcp, hostId: "${host}", config: {port: 3306}, intervalMs: 10000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
  }, 60_000);
  afterAll(() => api?.close());

  it('refuses what cannot repeat, naming the field in words, and saves nothing', async () => {
    const base = { name: 'backups', startsAt: '2026-10-06T00:00:00Z', endsAt: '2026-10-06T01:00:00Z', hostIds: [host] };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, recurrence: 'FREQ=WEEKLY;BYDAY=TU' }, 'input.timeZone', /required to repeat a window/],
      [{ ...base, recurrence: 'FREQ=WEEKLY;BYDAY=TU', timeZone: 'Mars/Olympus' }, 'input.timeZone', /time zone name such as Europe\/Madrid/],
      [{ ...base, recurrence: 'FREQ=MINUTELY', timeZone: 'Europe/Madrid' }, 'input.recurrence', /at most daily/],
      [{ ...base, recurrence: 'every tuesday', timeZone: 'Europe/Madrid' }, 'input.recurrence', /must be an RRULE such as FREQ=WEEKLY;BYDAY=TU/],
      [{ ...base, endsAt: '2026-10-08T01:00:00Z', recurrence: 'FREQ=DAILY', timeZone: 'Europe/Madrid' }, 'input.recurrence', /repeats before the previous occurrence has ended/],
      [{ ...base, endsAt: '2026-10-05T00:00:00Z' }, 'input.endsAt', /^input\.endsAt: must end after it starts$/],
    ];
    for (const [input, field, message] of cases) expect((await api.fails(CREATE, { i: input }, token, { code: 'VALIDATION_FAILED', field })).message, field).toMatch(message);
    expect((await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM maintenance_windows WHERE tenant_id = $1', [tenantId]))[0].n).toBe(0);
  });

  it('counts every Tuesday 02:00–03:00 Madrid as planned in the report, before and after the clocks go back', async () => {
    // Tuesdays of October 2026 at 02:00 Madrid: 6, 13, 20 at 00:00Z (CEST); 27 at 01:00Z (CET, after 25 October).
    const created = await run<{ createMaintenanceWindow: { recurrence: string; timeZone: string; recursUntil: string | null } }>(CREATE, {
      i: { name: 'weekly backups', startsAt: '2026-10-06T00:00:00Z', endsAt: '2026-10-06T01:00:00Z', hostIds: [host], recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=TU', timeZone: 'Europe/Madrid' },
    });
    expect(created.createMaintenanceWindow).toMatchObject({ recurrence: 'FREQ=WEEKLY;BYDAY=TU', timeZone: 'Europe/Madrid', recursUntil: null });
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2026-10-01T00:00:00Z' WHERE id = $1", [monitor]);
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) VALUES ($1, $2, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', 'unknown', 'up', false, 'first probe')", [tenantId, monitor]);
    const outage = (from: string, to: string) =>
      db.query(`INSERT INTO incidents (tenant_id, monitor_id, host_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, 'resolved', $4, $5, 'fixture')`, [tenantId, monitor, host, from, to]);
    // Inside the 13 October slot (00:00–01:00Z): planned, not downtime.
    await outage('2026-10-13T00:10:00Z', '2026-10-13T00:40:00Z');
    // 27 October 00:10–00:40Z is 01:10–01:40 CET: before that day's slot (02:00 CET = 01:00Z): downtime.
    await outage('2026-10-27T00:10:00Z', '2026-10-27T00:40:00Z');
    const { availabilityReport } = await run<{ availabilityReport: { totals: { observedMs: number; plannedMs: number; downtimeMs: number; failures: number } } }>(REPORT, {
      i: { subject: { kind: 'monitor', id: monitor }, from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
    });
    // October 2026 has 745 hours (one more at the fall-back, but in UTC it is 31 × 24 = 744).
    expect(availabilityReport.totals).toEqual({ observedMs: 744 * H, plannedMs: 4 * H, downtimeMs: 0.5 * H, failures: 1 });
  });

  it('the detector and the fleet see the slot now, and not an hour later', async () => {
    const now = Date.now();
    // Daily from yesterday, 5 minutes before now's time of day, for 10 minutes: in progress now.
    await run(CREATE, { i: { name: 'daily restart', startsAt: new Date(now - 86_400_000 - 300_000).toISOString(), endsAt: new Date(now - 86_400_000 + 300_000).toISOString(), monitorIds: [monitor], recurrence: 'FREQ=DAILY', timeZone: 'UTC' } });
    // The detector's own question (the watchdog's StateStore), on this database.
    const store = new StateStore(api.app.get(DataSource));
    const watched = { id: monitor, tenantId, hostId: host, serviceId: null } as Parameters<StateStore['activeMaintenance']>[0];
    expect(await store.activeMaintenance(watched, new Date(now))).toBe(true);
    expect(await store.activeMaintenance(watched, new Date(now + H))).toBe(false);
    // Yesterday's occurrence is in the past; tomorrow's comes back.
    expect(await store.activeMaintenance(watched, new Date(now + 86_400_000))).toBe(true);
    const { fleet } = await run<{ fleet: { monitors: { id: string[]; maintenance: boolean[] } } }>('{ fleet { monitors { id maintenance } } }');
    expect(fleet.monitors.maintenance[fleet.monitors.id.indexOf(monitor)]).toBe(true);
  });
});
