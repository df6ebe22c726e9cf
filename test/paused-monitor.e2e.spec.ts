import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAUSED_REASON } from '#lib/incidents';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

interface Totals {
  downtimeMs: number;
  unobservedMs: number;
  failures: number;
  repairs: number;
  openOutages: number;
}

/**
 * A monitor paused during an outage (an independent SLA audit found it): its last verdict held for as long as it
 * stayed paused, so the outage counted downtime without end (and a monitor paused while up counted uptime nobody
 * saw). Paused, nobody watches it: its outage is closed at the pause (ended, not repaired), its state is unknown,
 * and the report counts the paused time unobserved. Resumed, it is judged afresh.
 */
describe('a paused monitor is unobserved, not down (or up) for as long as it stays paused', () => {
  let api: TestApi;
  let token: string;
  let monitor: string;
  let failing = true;
  const target = new RecordingServer(() => ({ status: failing ? 503 : 200 }));

  const state = async (): Promise<{ health: string; reason: string }> =>
    (await api.ok<{ monitor: { state: { health: string; reason: string } | null } }>(`{ monitor(id: "${monitor}") { state { health reason } } }`, {}, token)).monitor.state ?? { health: 'none', reason: '' };
  const incidents = async (): Promise<{ status: string; resolvedAt: string | null; resolveReason: string | null }[]> =>
    (await api.ok<{ incidents: { nodes: { status: string; resolvedAt: string | null; resolveReason: string | null }[] } }>('{ incidents { nodes { status resolvedAt resolveReason } } }', {}, token)).incidents.nodes;
  const totals = async (from: Date): Promise<Totals> =>
    (await api.ok<{ availabilityReport: { totals: Totals } }>(
      `{ availabilityReport(input: {subject: {kind: monitor, id: "${monitor}"}, from: "${from.toISOString()}", to: "${new Date(Date.now() + 60_000).toISOString()}"}) { totals { downtimeMs unobservedMs failures repairs openOutages } } }`, {}, token,
    )).availabilityReport.totals;

  beforeAll(async () => {
    await target.start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1' });
    token = (await api.tenant('pausing')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, token)).createHost.id;
    monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "${target.url}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token,
    )).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await target.stop();
  });

  it('closes the outage at the pause, counts no downtime after it, and judges the monitor afresh when resumed', { timeout: 60_000 }, async () => {
    const from = new Date(Date.now() - 1000);
    await eventually('down, an incident open', async () => ((await state()).health === 'down' && (await incidents()).some((i) => i.status === 'open') ? true : undefined), { timeoutMs: 20_000 });
    const pausedAt = Date.now();
    await api.ok(`mutation { updateMonitor(id: "${monitor}", input: {enabled: false}) { id } }`, {}, token);
    const paused = await eventually('paused: unknown', async () => {
      const s = await state();
      return s.health === 'unknown' ? s : undefined;
    }, { timeoutMs: 15_000 });
    expect(paused.reason).toBe('paused: not probed until it is resumed');
    const [closed] = await incidents();
    expect(closed).toMatchObject({ status: 'resolved', resolveReason: PAUSED_REASON });
    expect(new Date(closed!.resolvedAt!).getTime()).toBeLessThan(pausedAt + 5_000);
    // Paused a while: downtime does not grow, unobserved does; the outage ended without a repair.
    const early = await totals(from);
    await new Promise((r) => setTimeout(r, 3_000));
    const later = await totals(from);
    expect(later.downtimeMs).toBe(early.downtimeMs);
    expect(later.unobservedMs).toBeGreaterThanOrEqual(early.unobservedMs + 2_500);
    expect(later).toMatchObject({ failures: 1, repairs: 0, openOutages: 0 });
    // Resumed while the target is still failing: judged afresh, a new incident (the old one stays closed).
    await api.ok(`mutation { updateMonitor(id: "${monitor}", input: {enabled: true}) { id } }`, {}, token);
    await eventually('down again, a second incident', async () => ((await state()).health === 'down' && (await incidents()).length === 2 ? true : undefined), { timeoutMs: 20_000 });
    failing = false;
    await eventually('up', async () => ((await state()).health === 'up' ? true : undefined), { timeoutMs: 20_000 });
  });
});
