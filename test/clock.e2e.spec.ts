import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService, DeliveryWorker } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/** Six weeks before today's wall clock: anything that still read the wall would be far past every delay below. */
const START = new Date('2026-10-20T12:00:00.000Z').getTime();

/**
 * Library code takes "now" from the injected CLOCK (`ClockModule.using`), never from the wall: an escalation step is
 * due when the clock says so, and what a channel stamps on a message is the clock's time. The clock here stands still
 * until the test moves it.
 */
describe('escalation and delivery count on the injected clock', () => {
  let now = START;
  let api: TestApi;
  let tenantId: string;
  const ids: Record<string, string> = {};
  const hook = new RecordingServer();
  const pager = new RecordingServer(() => ({ status: 202, body: '{"status":"success"}' }));
  const drain = async () => {
    for (let i = 0; i < 3; i++) await api.app.get(DeliveryWorker).runOnce();
  };

  beforeAll(async () => {
    await Promise.all([hook.start(), pager.start()]);
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' }, undefined, { clock: { now: () => new Date(now) } });
    const t = await api.tenant('clocked');
    tenantId = t.tenantId;
    const run = <T,>(q: string, v?: Record<string, unknown>): Promise<T> => api.ok<T>(q, v, t.token);
    const channel = (input: Record<string, unknown>) => run<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: input }).then((d) => d.createAlertChannel.id);
    ids.hook = await channel({ name: 'chat', type: 'webhook', config: { url: `${hook.url}/chat` }, secret: 'hook-secret-0123456789' });
    ids.pager = await channel({ name: 'pager', type: 'pagerduty', config: { apiUrl: pager.url }, secret: 'R0UT1NGKEY0123456789abcdefABCDEF' });
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "db1", addresses: ["192.0.2.40"]}) { id } }')).createHost.id;
    ids.monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "db1 ping", type: icmp, hostId: "${ids.host}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    await run('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', {
      i: { name: 'chat, then page after 5 min', steps: [{ delayMinutes: 0, channelIds: [ids.hook] }, { delayMinutes: 5, channelIds: [ids.pager] }] },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await Promise.all([hook.stop(), pager.stop()]);
  });

  it('the second step waits for the clock, not the wall: due only once the clock has moved 5 minutes', async () => {
    const ref = { id: ids.monitor, tenantId, hostId: ids.host, serviceId: null, name: 'db1 ping' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(now), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'db1 ping');
    await drain();
    expect(hook.hits).toHaveLength(1);
    // The webhook's signed timestamp is the clock's, in seconds.
    expect(hook.hits[0]!.headers['x-vigia-timestamp']).toBe(String(START / 1000));
    // By the wall clock the step was due weeks ago; by the injected clock it is not yet.
    expect(pager.hits).toHaveLength(0);
    now += 4 * 60_000;
    await drain();
    expect(pager.hits).toHaveLength(0);
    now += 60_000;
    await drain();
    expect(pager.hits).toHaveLength(1);
    expect(JSON.parse(pager.hits[0]!.body).dedup_key).toBe(`vigia-incident-${incident.id}`);
  });

  it("the delivery log records the page's attempt at the clock's time", async () => {
    const [row]: { at: Date }[] = await api.app.get(DataSource).query(
      "SELECT at FROM notification_attempts a JOIN notifications n ON n.id = a.notification_id JOIN alert_channels c ON c.id = n.channel_id WHERE c.name = 'pager'",
    );
    expect(row!.at.toISOString()).toBe(new Date(START + 5 * 60_000).toISOString());
  });
});
