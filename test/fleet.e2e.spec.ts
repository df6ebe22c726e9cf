import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentsService } from '#lib/incidents';
// The dashboard's own query and decoder: what is tested here is what the Fleet page reads.
import { FLEET_QUERY as FLEET, type FleetColumns, fromColumns } from '../apps/dashboard/src/lib/fleet.js';
import { seedFleet, type SeededFleet } from '../bench/fleet-seed.js';
import { startTestApi, type TestApi } from './support/test-api.js';


describe('fleet query and incident notes (the dashboard’s API)', () => {
  let api: TestApi;
  let owner: { tenantId: string; token: string };
  let seeded: SeededFleet;

  beforeAll(async () => {
    // API role only: the seeded TEST-NET monitors must not be probed.
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('fleet');
    seeded = await seedFleet(api.db.url, owner.tenantId, 400);
  });
  afterAll(() => api?.close());

  it('returns every monitor in one flat list, ordered site → host → service → monitor, with states and maintenance', async () => {
    const res = await api.gql<{ fleet: FleetColumns & { total: number } }>(FLEET, {}, owner.token);
    expect(res.errors).toBeUndefined();
    const { total } = res.data!.fleet;
    const rows = fromColumns(res.data!.fleet);
    expect(total).toBe(400);
    expect(rows).toHaveLength(400);
    const keys = rows.map((r) => `${r.siteName}/${r.hostName}/${r.monitorName}`);
    expect(keys).toEqual([...keys].sort());
    expect(rows.at(-1)!.monitorName).toBe(seeded.lastMonitor);
    expect(rows.filter((r) => r.health === 'down')).toHaveLength(seeded.down);
    expect(rows.find((r) => r.health === 'down')!.reason).toMatch(/^HTTP 503/);
    // web0007 is in an active maintenance window: all of its 20 monitors, and only those.
    expect(rows.filter((r) => r.maintenance).map((r) => r.hostName)).toEqual(Array(20).fill('web0007'));
    expect(rows.every((r) => r.serviceName === `www.${r.hostName}.example` && r.siteName !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.health))).toEqual(new Set(['up', 'down']));
  });

  it('adds an operator’s note to an incident’s timeline, signed, and refuses an empty one or a viewer', async () => {
    const [monitor]: { id: string; host_id: string; service_id: string; name: string }[] = await api.app
      .get(DataSource)
      .query("SELECT id, host_id, service_id, name FROM monitors WHERE tenant_id = $1 AND name = 'web0001-check-01'", [owner.tenantId]);
    const incident = await api.app.get(IncidentsService).open(
      { id: monitor!.id, tenantId: owner.tenantId, hostId: monitor!.host_id, serviceId: monitor!.service_id, name: monitor!.name },
      new Date(), 'HTTP 503', { planned: false, flapping: false, suppressed: false },
    );
    const note = (text: string, token = owner.token) =>
      api.gql<{ addIncidentNote: { subject: string; timeline: { kind: string; message: string }[] } }>(
        'mutation($id: ID!, $text: String!) { addIncidentNote(id: $id, text: $text) { subject timeline { kind message } } }',
        { id: incident!.id, text },
        token,
      );
    const empty = await note('   ');
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    expect((await note('x'.repeat(2001))).errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    const viewer = await api.userWithRole(owner.token, 'fleet', 'viewer');
    expect((await note('from a viewer', viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const ok = await note('  Rebooted by hand; PSU replaced  ');
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.addIncidentNote.subject).toBe('web0001 · www.web0001.example · web0001-check-01');
    const notes = ok.data!.addIncidentNote.timeline.filter((e) => e.kind === 'note');
    expect(notes).toEqual([{ kind: 'note', message: 'owner@fleet.test: Rebooted by hand; PSU replaced' }]);
  });
});
