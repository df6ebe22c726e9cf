import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorCatalog } from '#lib/detection';
import { HistoryLoader } from '#lib/reports';
import { startTestApi, type TestApi } from './support/test-api.js';

// Issue 19, items 2, 3, 7 and 9: deletion keeps history, purge removes it, service-customer links are periods.
describe('inventory history: soft deletion, purge, link periods', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  let db: DataSource;
  const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, as = token): Promise<T> => api.ok<T>(query, variables, as);
  const fails = async (query: string, variables?: Record<string, unknown>, as = token) => (await api.gql(query, variables, as)).errors?.[0];
  const id = async (mutation: string): Promise<string> => Object.values(await gql<Record<string, { id: string }>>(mutation))[0]!.id;
  const host = (name: string) => id(`mutation { createHost(input: {name: "${name}", addresses: ["192.0.2.50"]}) { id } }`);
  const service = (name: string, hostId: string, customerIds: string[] = []) =>
    id(`mutation { createService(input: {name: "${name}", type: web, hostId: "${hostId}", customerIds: ${JSON.stringify(customerIds)}}) { id } }`);
  const monitor = (name: string, hostId: string, serviceId?: string) =>
    id(`mutation { createMonitor(input: {name: "${name}", type: tcp, hostId: "${hostId}"${serviceId ? `, serviceId: "${serviceId}"` : ''}, config: {port: 80}, intervalMs: 10000, timeoutMs: 5000}) { id } }`);
  const customer = (name: string) => id(`mutation { createCustomer(input: {name: "${name}"}) { id } }`);
  const rows = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)) as Record<string, unknown>[];
  /** An April outage: an incident and the two state changes around it, as the watchdog would have written them. */
  const outage = async (monitorId: string, hostId: string) => {
    await db.query(
      `INSERT INTO incidents (tenant_id, monitor_id, host_id, status, opened_at, resolved_at, open_reason)
       VALUES ($1, $2, $3, 'resolved', '2026-04-10T10:00:00Z', '2026-04-10T11:00:00Z', 'connection refused')`,
      [tenantId, monitorId, hostId],
    );
    await db.query(
      `INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason)
       VALUES ($1, $2, '2026-04-10T10:00:01Z', '2026-04-10T10:00:00Z', 'up', 'down', false, 'refused'),
              ($1, $2, '2026-04-10T11:00:01Z', '2026-04-10T11:00:00Z', 'down', 'up', false, 'ok')`,
      [tenantId, monitorId],
    );
  };

  beforeAll(async () => {
    api = await startTestApi();
    const tenant = await api.tenant('history');
    token = tenant.token;
    tenantId = tenant.tenantId;
    db = api.app.get(DataSource);
  });
  afterAll(() => api?.close());

  describe('deleting a monitor', () => {
    let hostId: string;
    let monitorId: string;

    beforeAll(async () => {
      hostId = await host('hist1');
      monitorId = await monitor('hist1 tcp', hostId);
      // Watched since March, so April is observed time.
      await db.query("UPDATE monitors SET created_at = '2026-03-01T00:00:00Z' WHERE id = $1", [monitorId]);
      await outage(monitorId, hostId);
      expect(await gql(`mutation { deleteMonitor(id: "${monitorId}") }`)).toEqual({ deleteMonitor: true });
    });

    it('hides it from get, lists, search, the fleet and health summaries', async () => {
      expect((await fails(`{ monitor(id: "${monitorId}") { id } }`))?.extensions?.code).toBe('NOT_FOUND');
      const res = await gql<{ monitors: { totalCount: number }; search: { totalCount: number }; fleet: { total: number; monitors: { id: string[] } }; fleetSummary: { monitors: { count: number }[] } }>(
        '{ monitors { totalCount } search: monitors(filter: {search: "hist1"}) { totalCount } fleet { total monitors { id } } fleetSummary { monitors { count } } }',
      );
      expect(res.monitors.totalCount).toBe(0);
      expect(res.search.totalCount).toBe(0);
      expect(res.fleet.monitors.id).not.toContain(monitorId);
      expect(res.fleet.total).toBe(0);
      expect(res.fleetSummary.monitors.reduce((n, h) => n + h.count, 0)).toBe(0);
      await expect(fails(`mutation { updateMonitor(id: "${monitorId}", input: {enabled: false}) { id } }`)).resolves.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(fails(`mutation { deleteMonitor(id: "${monitorId}") }`)).resolves.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });

    it('is never probed again: the watchdog catalog leaves it out', async () => {
      const catalog = new MonitorCatalog(db);
      expect((await catalog.owned('w1', ['w1'])).monitors.map((m) => m.id)).not.toContain(monitorId);
    });

    it('keeps its incident and state changes, and reports still read it with deletedAt', async () => {
      expect(await rows('SELECT count(*)::int AS n FROM incidents WHERE monitor_id = $1', [monitorId])).toEqual([{ n: 1 }]);
      expect(await rows('SELECT count(*)::int AS n FROM monitor_state_changes WHERE monitor_id = $1', [monitorId])).toEqual([{ n: 2 }]);
      const [row] = await api.app.get(HistoryLoader).monitorsOf(tenantId, 'm.id = $2', [monitorId]);
      expect(row).toMatchObject({ id: monitorId, host_id: hostId, service_id: null });
      expect(row!.deleted_at).toBeInstanceOf(Date);
      expect(row!.created_at.getTime()).toBeLessThan(row!.deleted_at!.getTime());
      // …and an availability report on it by id still answers, with the April outage in it.
      const report = await gql<{ availabilityReport: { totals: { failures: number } } }>(
        `{ availabilityReport(input: {subject: {kind: monitor, id: "${monitorId}"}, from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z"}) { totals { failures } } }`,
      );
      expect(report.availabilityReport.totals.failures).toBe(1);
    });

    it('leaves its name free for a new monitor', async () => {
      const again = await monitor('hist1 tcp', hostId);
      expect(again).not.toBe(monitorId);
      expect((await gql<{ monitors: { totalCount: number } }>('{ monitors(filter: {search: "hist1"}) { totalCount } }')).monitors.totalCount).toBe(1);
    });
  });

  it('deletes a host with its services and monitors at one instant, keeping their history and freeing the names', async () => {
    const hostId = await host('hist2');
    const cust = await customer('Host Cascade SL');
    const svc = await service('www', hostId, [cust]);
    const m1 = await monitor('hist2 ping', hostId);
    const m2 = await monitor('hist2 www', hostId, svc);
    await outage(m2, hostId);
    await gql(`mutation { deleteHost(id: "${hostId}") }`);

    const deleted = await rows(
      `SELECT deleted_at FROM hosts WHERE id = $1 UNION ALL SELECT deleted_at FROM services WHERE id = $2
       UNION ALL SELECT deleted_at FROM monitors WHERE id = ANY($3::uuid[])`,
      [hostId, svc, [m1, m2]],
    );
    expect(deleted).toHaveLength(4);
    expect(new Set(deleted.map((r) => (r.deleted_at as Date | null)?.getTime())).size).toBe(1);
    expect(deleted[0]!.deleted_at).toBeInstanceOf(Date);
    // The customer's link period ended at that instant too; the period itself stays.
    const [link] = await rows('SELECT ends_at FROM service_customers WHERE service_id = $1', [svc]);
    expect((link!.ends_at as Date).getTime()).toBe((deleted[0]!.deleted_at as Date).getTime());
    expect(await rows('SELECT count(*)::int AS n FROM incidents WHERE monitor_id = $1', [m2])).toEqual([{ n: 1 }]);

    for (const query of [`{ host(id: "${hostId}") { id } }`, `{ service(id: "${svc}") { id } }`, `{ monitor(id: "${m1}") { id } }`]) {
      expect((await fails(query))?.extensions?.code).toBe('NOT_FOUND');
    }
    const lists = await gql<{ hosts: { nodes: { id: string }[] }; services: { nodes: { id: string }[] }; fleet: { hosts: { id: string }[]; services: { id: string }[] }; customer: { serviceLinks: unknown[] } }>(
      `{ hosts { nodes { id } } services { nodes { id } } fleet { hosts { id } services { id } } customer(id: "${cust}") { serviceLinks { id } } }`,
    );
    expect(lists.hosts.nodes.map((n) => n.id)).not.toContain(hostId);
    expect(lists.services.nodes.map((n) => n.id)).not.toContain(svc);
    expect(lists.fleet.hosts.map((h) => h.id)).not.toContain(hostId);
    expect(lists.fleet.services.map((s) => s.id)).not.toContain(svc);
    expect(lists.customer.serviceLinks).toEqual([]);

    const again = await host('hist2');
    await service('www', again);
    await monitor('hist2 ping', again);
  });

  it('deletes a service with its monitors, and a customer, hiding them; a site of deleted hosts can then go', async () => {
    const site = await id('mutation { createSite(input: {name: "hist-dc"}) { id } }');
    const hostId = await id(`mutation { createHost(input: {name: "hist3", addresses: ["192.0.2.51"], siteId: "${site}"}) { id } }`);
    const cust = await customer('Gone Customer SA');
    const svc = await service('mail', hostId, [cust]);
    const m = await monitor('hist3 smtp', hostId, svc);
    await gql(`mutation { deleteService(id: "${svc}") }`);
    expect((await fails(`{ monitor(id: "${m}") { id } }`))?.extensions?.code).toBe('NOT_FOUND');
    expect((await gql<{ host: { id: string } }>(`{ host(id: "${hostId}") { id } }`)).host.id).toBe(hostId);

    await gql(`mutation { deleteCustomer(id: "${cust}") }`);
    expect((await fails(`{ customer(id: "${cust}") { id } }`))?.extensions?.code).toBe('NOT_FOUND');
    expect((await gql<{ customers: { nodes: { id: string }[] } }>('{ customers { nodes { id } } }')).customers.nodes.map((c) => c.id)).not.toContain(cust);
    await customer('Gone Customer SA');
    // A deleted customer can no longer be linked; its id answers NOT_FOUND like a missing one.
    expect(await fails(`mutation { createService(input: {name: "x", type: web, hostId: "${hostId}", customerIds: ["${cust}"]}) { id } }`)).toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'input.customerIds[0]' },
    });

    // While a live host is in the site it stays; once its only host is deleted, the site can go.
    expect((await fails(`mutation { deleteSite(id: "${site}") }`))?.extensions?.code).toBe('CONFLICT');
    await gql(`mutation { deleteHost(id: "${hostId}") }`);
    expect(await gql(`mutation { deleteSite(id: "${site}") }`)).toEqual({ deleteSite: true });
  });

  it('lets reports find deleted services, hosts and customers by id', async () => {
    const hostId = await host('hist4');
    const cust = await customer('Reported Anyway SL');
    const svc = await service('shop', hostId, [cust]);
    await monitor('hist4 shop', hostId, svc);
    await gql(`mutation { deleteCustomer(id: "${cust}") }`);
    await gql(`mutation { deleteHost(id: "${hostId}") }`);
    for (const [kind, subject] of [['host', hostId], ['service', svc], ['customer', cust]] as const) {
      const res = await gql<{ availabilityReport: { subjectName: string } }>(
        `{ availabilityReport(input: {subject: {kind: ${kind}, id: "${subject}"}, from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z"}) { subjectName } }`,
      );
      expect(res.availabilityReport.subjectName).toBeTruthy();
    }
  });

  describe('purge', () => {
    it('removes a deleted host, its services, monitors, incidents and state changes, and says how much', async () => {
      const hostId = await host('hist5');
      const cust = await customer('Purged Link SL');
      const svc = await service('www', hostId, [cust]);
      const m1 = await monitor('hist5 ping', hostId);
      const m2 = await monitor('hist5 www', hostId, svc);
      await outage(m1, hostId);
      await outage(m2, hostId);
      await gql(`mutation { deleteHost(id: "${hostId}") }`);
      const res = await gql<{ purge: Record<string, unknown> }>(
        `mutation { purge(input: {kind: host, id: "${hostId}", confirm: true}) { kind id name monitors services links incidents stateChanges message } }`,
      );
      expect(res.purge).toEqual({
        kind: 'host', id: hostId, name: 'hist5', monitors: 2, services: 1, links: 1, incidents: 2, stateChanges: 4,
        message: 'Purged host hist5: removed it with 2 monitor(s), 1 service(s), 1 customer link period(s), 2 incident(s), 4 state change(s); past reports will no longer count them.',
      });
      expect(await rows('SELECT count(*)::int AS n FROM hosts WHERE id = $1', [hostId])).toEqual([{ n: 0 }]);
      expect(await rows('SELECT count(*)::int AS n FROM incidents WHERE monitor_id = ANY($1::uuid[])', [[m1, m2]])).toEqual([{ n: 0 }]);
      expect(await rows('SELECT count(*)::int AS n FROM monitor_state_changes WHERE monitor_id = ANY($1::uuid[])', [[m1, m2]])).toEqual([{ n: 0 }]);
      expect(await rows('SELECT count(*)::int AS n FROM service_customers WHERE customer_id = $1', [cust])).toEqual([{ n: 0 }]);
      expect(await api.app.get(HistoryLoader).monitorsOf(tenantId, 'm.host_id = $2', [hostId])).toEqual([]);
    });

    it('purges a live monitor too, and a customer with its link periods', async () => {
      const hostId = await host('hist6');
      const m = await monitor('hist6 ping', hostId);
      await outage(m, hostId);
      const res = await gql<{ purge: { incidents: number; stateChanges: number } }>(`mutation { purge(input: {kind: monitor, id: "${m}", confirm: true}) { incidents stateChanges } }`);
      expect(res.purge).toEqual({ incidents: 1, stateChanges: 2 });
      const cust = await customer('Purged Customer SL');
      await service('web', hostId, [cust]);
      const purged = await gql<{ purge: { links: number; message: string } }>(`mutation { purge(input: {kind: customer, id: "${cust}", confirm: true}) { links message } }`);
      expect(purged.purge.links).toBe(1);
      expect(purged.purge.message).toMatch(/^Purged customer Purged Customer SL: .*past reports will no longer count them\.$/);
      expect(await rows('SELECT count(*)::int AS n FROM customers WHERE id = $1', [cust])).toEqual([{ n: 0 }]);
    });

    it('needs confirm: true and an owner', async () => {
      const hostId = await host('hist7');
      expect(await fails(`mutation { purge(input: {kind: host, id: "${hostId}", confirm: false}) { incidents } }`)).toMatchObject({
        extensions: { code: 'VALIDATION_FAILED', field: 'input.confirm' },
      });
      const admin = await api.userWithRole(token, 'history', 'admin');
      expect((await fails(`mutation { purge(input: {kind: host, id: "${hostId}", confirm: true}) { incidents } }`, {}, admin))?.extensions?.code).toBe('FORBIDDEN');
      expect((await gql<{ host: { id: string } }>(`{ host(id: "${hostId}") { id } }`)).host.id).toBe(hostId);
    });
  });

  describe('service-customer link periods', () => {
    type Link = { id: string; startsAt: string; endsAt: string | null; weight: number };
    let hostId: string;
    let cust: string;
    const links = async (serviceId: string) =>
      (await gql<{ service: { customerLinks: Link[]; customers: { id: string }[] } }>(`{ service(id: "${serviceId}") { customerLinks { id startsAt endsAt weight } customers { id } } }`)).service;
    const setLink = (input: Record<string, unknown>) =>
      api.gql<{ setServiceCustomerLink: Link }>('mutation($i: SetServiceCustomerLinkInput!) { setServiceCustomerLink(input: $i) { id startsAt endsAt weight } }', { i: input }, token);

    beforeAll(async () => {
      hostId = await host('hist8');
      cust = await customer('Periods SL');
    });

    it('starts a link now, ends it on unlink, and opens a new period on relink', async () => {
      const before = Date.now();
      const svc = await service('www', hostId, [cust]);
      const first = await links(svc);
      expect(first.customers).toEqual([{ id: cust }]);
      expect(first.customerLinks).toHaveLength(1);
      expect(first.customerLinks[0]).toMatchObject({ endsAt: null, weight: 1 });
      expect(Date.parse(first.customerLinks[0]!.startsAt)).toBeGreaterThanOrEqual(before - 1000);

      await gql(`mutation { updateService(id: "${svc}", input: {customerIds: []}) { id } }`);
      const unlinked = await links(svc);
      expect(unlinked.customers).toEqual([]);
      expect(unlinked.customerLinks).toHaveLength(1);
      expect(unlinked.customerLinks[0]!.endsAt).not.toBeNull();

      await gql(`mutation { updateService(id: "${svc}", input: {customerIds: ["${cust}"]}) { id } }`);
      const relinked = await links(svc);
      expect(relinked.customers).toEqual([{ id: cust }]);
      expect(relinked.customerLinks).toHaveLength(2);
      expect(relinked.customerLinks[1]!.endsAt).toBeNull();
      expect(Date.parse(relinked.customerLinks[1]!.startsAt)).toBeGreaterThanOrEqual(Date.parse(relinked.customerLinks[0]!.endsAt!));
      // The same set again changes nothing.
      await gql(`mutation { updateService(id: "${svc}", input: {customerIds: ["${cust}"]}) { id } }`);
      expect((await links(svc)).customerLinks).toHaveLength(2);
      const fromCustomer = await gql<{ customer: { serviceLinks: { serviceId: string; service: { name: string } }[] } }>(`{ customer(id: "${cust}") { serviceLinks { serviceId service { name } } } }`);
      expect(fromCustomer.customer.serviceLinks.filter((l) => l.serviceId === svc)).toHaveLength(2);
    });

    it('sets explicit periods and weights, refusing overlaps and bad values by field, saving nothing', async () => {
      const svc = await service('shop', hostId);
      const march = await setLink({ serviceId: svc, customerId: cust, startsAt: '2026-03-10T00:00:00Z', endsAt: '2026-04-01T00:00:00Z', weight: 2.5 });
      expect(march.errors).toBeUndefined();
      expect(march.data!.setServiceCustomerLink).toMatchObject({ startsAt: '2026-03-10T00:00:00.000Z', endsAt: '2026-04-01T00:00:00.000Z', weight: 2.5 });
      // Touching periods do not overlap (ends are exclusive).
      const may = await setLink({ serviceId: svc, customerId: cust, startsAt: '2026-04-01T00:00:00Z', weight: 1 });
      expect(may.errors).toBeUndefined();

      const refused: [Record<string, unknown>, string, string][] = [
        [{ startsAt: '2026-03-20T00:00:00Z', endsAt: '2026-03-25T00:00:00Z' }, 'input.startsAt', 'overlaps the period from 2026-03-10T00:00:00.000Z'],
        [{ startsAt: '2026-01-01T00:00:00Z' }, 'input.startsAt', 'overlaps'],
        [{ startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }, 'input.endsAt', 'input.endsAt: must end after it starts'],
        [{ startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z', weight: 0 }, 'input.weight', 'input.weight: must be above 0'],
        [{ startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z', weight: -3 }, 'input.weight', 'input.weight: must be above 0'],
      ];
      for (const [fields, field, message] of refused) {
        const res = await setLink({ serviceId: svc, customerId: cust, ...fields });
        expect(res.errors?.[0]?.extensions, JSON.stringify(fields)).toMatchObject({ code: 'VALIDATION_FAILED', field });
        expect(res.errors?.[0]?.message).toContain(message);
      }
      expect((await links(svc)).customerLinks.map((l) => [l.startsAt, l.endsAt, l.weight])).toEqual([
        ['2026-03-10T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 2.5],
        ['2026-04-01T00:00:00.000Z', null, 1],
      ]);

      // Changing a period by id: end May's at June, weight 3; moving March's start into April's period is refused.
      const mayId = may.data!.setServiceCustomerLink.id;
      const changed = await setLink({ id: mayId, serviceId: svc, customerId: cust, endsAt: '2026-06-01T00:00:00Z', weight: 3 });
      expect(changed.data!.setServiceCustomerLink).toMatchObject({ startsAt: '2026-04-01T00:00:00.000Z', endsAt: '2026-06-01T00:00:00.000Z', weight: 3 });
      const clash = await setLink({ id: march.data!.setServiceCustomerLink.id, serviceId: svc, customerId: cust, endsAt: '2026-04-02T00:00:00Z' });
      expect(clash.errors?.[0]?.extensions).toMatchObject({ field: 'input.startsAt' });

      // The reports see every period with its weight.
      const periods = (await api.app.get(HistoryLoader).customerLinks(tenantId)).filter((l) => l.service_id === svc).sort((a, b) => a.startsMs - b.startsMs);
      expect(periods).toEqual([
        { customer_id: cust, service_id: svc, startsMs: Date.parse('2026-03-10T00:00:00Z'), endsMs: Date.parse('2026-04-01T00:00:00Z'), weight: 2.5 },
        { customer_id: cust, service_id: svc, startsMs: Date.parse('2026-04-01T00:00:00Z'), endsMs: Date.parse('2026-06-01T00:00:00Z'), weight: 3 },
      ]);
      expect(march.data!.setServiceCustomerLink.id).not.toBe(mayId);
    });

    it('keeps a customer-facing name, 1-120 printable characters, clearable', async () => {
      const svc = await id(`mutation { createService(input: {name: "www-mad-a", type: web, hostId: "${hostId}", customerFacingName: " Online shop "}) { id } }`);
      expect((await gql<{ service: { customerFacingName: string } }>(`{ service(id: "${svc}") { customerFacingName } }`)).service.customerFacingName).toBe('Online shop');
      for (const bad of ['', 'x'.repeat(121), 'a\\u0007b']) {
        expect((await fails(`mutation { updateService(id: "${svc}", input: {customerFacingName: "${bad}"}) { id } }`))?.extensions?.field).toBe('input.customerFacingName');
      }
      const cleared = await gql<{ updateService: { customerFacingName: string | null } }>(`mutation { updateService(id: "${svc}", input: {customerFacingName: null}) { customerFacingName } }`);
      expect(cleared.updateService.customerFacingName).toBeNull();
    });
  });
});
