import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchdogService } from '#lib/detection';
import { IncidentsService } from '#lib/incidents';
import { startTestApi, type TestApi } from './support/test-api.js';

/** A monitor deleted during its outage: nothing probes it again, so Vigia closes the outage — as ended, not repaired. */
describe('deleting a monitor that is down', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog' });
    token = (await api.tenant('deleted-down')).token;
  }, 60_000);
  afterAll(() => api?.close());

  it('closes its open incident at the deletion, and reports count a failure but no repair', async () => {
    const gql = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, token);
    const host = (await gql<{ createHost: { id: string; tenantId?: string } }>('mutation { createHost(input: {name: "web9", addresses: ["192.0.2.9"]}) { id } }')).createHost.id;
    const monitor = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "web9 ping", type: icmp, hostId: "${host}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    const db = api.app.get(DataSource);
    const [{ tenant_id: tenantId }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [monitor]);
    const createdAt = Date.now() - 3_600_000;
    await db.query('UPDATE monitors SET created_at = $2 WHERE id = $1', [monitor, new Date(createdAt)]);
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) VALUES ($1, $2, $3, $3, 'unknown', 'up', false, 'first')", [tenantId, monitor, new Date(createdAt)]);
    const ref = { id: monitor, tenantId, hostId: host, serviceId: null, name: 'web9 ping' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(Date.now() - 600_000), 'no reply', { planned: false, flapping: false, suppressed: false }))!;

    await gql(`mutation { deleteMonitor(id: "${monitor}") }`);
    await api.app.get(WatchdogService).refresh();

    const [row] = await db.query('SELECT status, resolved_at, resolve_reason FROM incidents WHERE id = $1', [incident.id]);
    const [{ deleted_at: deletedAt }] = await db.query('SELECT deleted_at FROM monitors WHERE id = $1', [monitor]);
    expect(row).toMatchObject({ status: 'resolved', resolve_reason: 'the monitor was deleted: outage closed without a repair' });
    expect(row.resolved_at.getTime()).toBe(deletedAt.getTime());
    const report = await gql<{ availabilityReport: { totals: { failures: number; repairs: number; openOutages: number; mttrMs: number | null; downtimeMs: number; ongoing: { since: string } | null } } }>(
      `{ availabilityReport(input: {subject: {kind: monitor, id: "${monitor}"}, from: "${new Date(createdAt).toISOString()}", to: "${new Date(Date.now() + 60_000).toISOString()}"}) { totals { failures repairs openOutages mttrMs downtimeMs ongoing { since } } } }`,
    );
    // Ended without a repair: a failure, no repair, and not ongoing (a tenant's report named such an outage as its
    // ongoing one while a real one was going on).
    expect(report.availabilityReport.totals).toMatchObject({ failures: 1, repairs: 0, openOutages: 0, mttrMs: null, ongoing: null });
    expect(report.availabilityReport.totals.downtimeMs).toBe(deletedAt.getTime() - incident.openedAt.getTime());
  });
});
