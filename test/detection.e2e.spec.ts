import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorHealth, WatchdogService } from '#lib/detection';
import { freePort } from '#lib/persistence';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

const WATCHDOG_ENV = {
  VIGIA_ROLES: 'api,watchdog',
  VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1',
  VIGIA_STATE_FLUSH_SECONDS: '1',
  VIGIA_VANTAGE: 'test-vantage',
};

/** A target that can be taken down and brought back on the same port, like a web host that dies and returns. */
class Target {
  server?: Server | TcpServer;
  constructor(
    readonly port: number,
    private readonly kind: 'http' | 'tcp',
  ) {}
  async up(): Promise<void> {
    this.server = this.kind === 'http' ? createServer((_q, r) => r.end('ok')) : createTcpServer((s) => s.end());
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
  }
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s && 'closeAllConnections' in s) s.closeAllConnections();
    await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  }
}

const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> => eventually(what, check, { timeoutMs, everyMs: 50 });

interface IncidentView {
  id: string;
  status: string;
  openedAt: string;
  resolvedAt: string | null;
  planned: boolean;
  suppressed: boolean;
  causeIncidentId: string | null;
  monitorId: string;
  timeline: { kind: string; message: string }[];
}

describe('watchdog: probe → detector → incident, against real targets', () => {
  let api: TestApi;
  let token: string;
  let web: Target;
  let ssh: Target;
  let hostId: string;
  let httpMonitor: string;
  let hostMonitor: string;

  const gql = <T,>(query: string): Promise<T> => api.ok<T>(query, {}, token);
  const incidentsOf = async (monitorId: string): Promise<IncidentView[]> =>
    (await gql<{ incidents: { nodes: IncidentView[] } }>(
      `{ incidents(filter: {monitorId: "${monitorId}"}) { nodes { id status openedAt resolvedAt planned suppressed causeIncidentId monitorId timeline { kind message } } } }`,
    )).incidents.nodes;
  const health = async (monitorId: string): Promise<string | undefined> =>
    (await gql<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${monitorId}") { state { health } } }`)).monitor.state?.health;

  beforeAll(async () => {
    web = new Target(await freePort(), 'http');
    ssh = new Target(await freePort(), 'tcp');
    await web.up();
    await ssh.up();
    api = await startTestApi(WATCHDOG_ENV);
    token = (await api.tenant('watch')).token;
    hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
    const service = (await gql<{ createService: { id: string } }>(`mutation { createService(input: {name: "www", type: web, hostId: "${hostId}"}) { id } }`)).createService.id;
    httpMonitor = (await gql<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "www http", type: http, hostId: "${hostId}", serviceId: "${service}", config: {url: "http://127.0.0.1:${web.port}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
    )).createMonitor.id;
    hostMonitor = (await gql<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "web1 ssh port", type: tcp, hostId: "${hostId}", config: {port: ${ssh.port}}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
    )).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await web?.down();
    await ssh?.down();
  });

  it('sees both monitors up, then confirms an outage within 2 s and opens one incident with the reason', async () => {
    await until('monitors up', async () => ((await health(httpMonitor)) === 'up' && (await health(hostMonitor)) === 'up' ? true : undefined));
    const stoppedAt = Date.now();
    await web.down();
    const [incident] = await until('incident', async () => {
      const found = await incidentsOf(httpMonitor);
      return found.length ? found : undefined;
    });
    const confirmedIn = Date.now() - stoppedAt;
    expect(confirmedIn).toBeLessThan(2500);
    expect(incident!.status).toBe('open');
    expect(incident!.suppressed).toBe(false);
    expect(incident!.timeline[0]!.message).toMatch(/^www http down: .*ECONNREFUSED/);
    // The outage starts at the first failure, not at the confirmation: within one interval after the stop.
    expect(new Date(incident!.openedAt).getTime() - stoppedAt).toBeLessThan(1200);
    expect(await health(httpMonitor)).toBe('down');
    const fleet = await gql<{ fleetSummary: { monitors: { health: string; count: number }[]; openIncidents: number }; host: { health: string; services: unknown } }>(
      `{ fleetSummary { monitors { health count } openIncidents } host(id: "${hostId}") { health } }`,
    );
    expect(fleet.fleetSummary.monitors.find((m) => m.health === 'down')?.count).toBe(1);
    expect(fleet.fleetSummary.monitors.find((m) => m.health === 'up')?.count).toBe(1);
    expect(fleet.fleetSummary.openIncidents).toBe(1);
    expect(fleet.host.health).toBe('down');
    const svc = await gql<{ services: { nodes: { health: string }[] } }>(`{ services(filter: {hostId: "${hostId}"}) { nodes { health } } }`);
    expect(svc.services.nodes).toEqual([{ health: 'down' }]);

    const changes = await gql<{ stateChanges: { nodes: { fromHealth: string; toHealth: string; at: string }[] } }>(
      `{ stateChanges(monitorId: "${httpMonitor}") { nodes { fromHealth toHealth at } } }`,
    );
    expect(changes.stateChanges.nodes.map((c) => `${c.fromHealth}->${c.toHealth}`)).toEqual(['suspect->down', 'up->suspect', 'unknown->up']);
    expect(changes.stateChanges.nodes[0]!.at).toMatch(/\.\d{3}Z$/);
    // The port alerts read to say where it was seen from: the vantage whose verdict is down.
    expect(await api.app.get(MonitorHealth).seenFrom(httpMonitor)).toEqual(['test-vantage']);
    expect(await api.app.get(MonitorHealth).seenFrom(hostMonitor)).toEqual(['test-vantage']);
  });

  it('keeps schedule drift samples only once something takes them (a benchmark), not for ever', async () => {
    const watchdog = api.app.get(WatchdogService);
    // Both monitors have been probed every second since the start: nothing was kept until now.
    expect(watchdog.stats().started).toBeGreaterThan(2);
    expect(watchdog.takeDrift()).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(watchdog.takeDrift().length).toBeGreaterThanOrEqual(2);
    // What it started and skipped is in /metrics: an overloaded watchdog's skipped slots are not silent.
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(Number(metrics.match(/^vigia_probes_started (\d+)$/m)?.[1])).toBeGreaterThan(2);
    expect(metrics).toMatch(/^vigia_probe_slots_skipped \d+$/m);
  });

  it('resolves the same incident when the target answers again', async () => {
    await web.up();
    const resolved = await until('resolution', async () => {
      const [i] = await incidentsOf(httpMonitor);
      return i?.status === 'resolved' ? i : undefined;
    });
    expect(resolved.resolvedAt).not.toBeNull();
    expect(resolved.timeline.map((e) => e.kind)).toEqual(['opened', 'resolved']);
    expect(await incidentsOf(httpMonitor)).toHaveLength(1);
  });

  it('groups the service outage under the host outage: one root cause', async () => {
    await until('http up', async () => ((await health(httpMonitor)) === 'up' ? true : undefined));
    await ssh.down();
    await web.down();
    const hostIncident = await until('host incident', async () => (await incidentsOf(hostMonitor))[0]);
    const serviceIncident = await until('service incident', async () => (await incidentsOf(httpMonitor)).find((i) => i.status === 'open' && i.causeIncidentId));
    expect(serviceIncident.causeIncidentId).toBe(hostIncident.id);
    expect(serviceIncident.suppressed).toBe(true);
    expect(hostIncident.suppressed).toBe(false);
    await web.up();
    await ssh.up();
    await until('both resolved', async () => ((await incidentsOf(httpMonitor)).every((i) => i.status === 'resolved') && (await incidentsOf(hostMonitor)).every((i) => i.status === 'resolved') ? true : undefined));
  });

  it('releases a service still down when its host comes back: paged on its own, no longer held under a closed incident', async () => {
    // A host of its own: the monitors above have swung often enough to be flapping (held for that reason instead).
    const web2 = new Target(await freePort(), 'http');
    const ssh2 = new Target(await freePort(), 'tcp');
    await web2.up();
    await ssh2.up();
    try {
      const host2 = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web2", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
      const service2 = (await gql<{ createService: { id: string } }>(`mutation { createService(input: {name: "www2", type: web, hostId: "${host2}"}) { id } }`)).createService.id;
      const http2 = (await gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "www2 http", type: http, hostId: "${host2}", serviceId: "${service2}", config: {url: "http://127.0.0.1:${web2.port}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      )).createMonitor.id;
      const host2Monitor = (await gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "web2 ssh port", type: tcp, hostId: "${host2}", config: {port: ${ssh2.port}}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      )).createMonitor.id;
      await until('web2 up', async () => ((await health(http2)) === 'up' && (await health(host2Monitor)) === 'up' ? true : undefined));
      await ssh2.down();
      await web2.down();
      const hostIncident = await until('host incident', async () => (await incidentsOf(host2Monitor)).find((i) => i.status === 'open'));
      await until('service grouped', async () => (await incidentsOf(http2)).find((i) => i.status === 'open' && i.causeIncidentId === hostIncident.id));
      // The host is back (a reboot), its web server is not.
      await ssh2.up();
      const released = await until('service released', async () => (await incidentsOf(http2)).find((i) => i.status === 'open' && !i.causeIncidentId));
      expect(released.suppressed).toBe(false);
      expect(released.timeline.find((e) => e.kind === 'released')?.message).toMatch(/the host is back but this is still down/);
      expect((await incidentsOf(host2Monitor)).find((i) => i.id === hostIncident.id)?.status).toBe('resolved');
      await web2.up();
      await until('resolved', async () => ((await incidentsOf(http2)).every((i) => i.status === 'resolved') ? true : undefined));
    } finally {
      await web2.down();
      await ssh2.down();
    }
  });

  it('marks an outage inside a maintenance window as planned and suppressed', async () => {
    await until('http up', async () => ((await health(httpMonitor)) === 'up' ? true : undefined));
    const now = Date.now();
    await gql(`mutation { createMaintenanceWindow(input: {name: "nginx upgrade", startsAt: "${new Date(now - 60_000).toISOString()}", endsAt: "${new Date(now + 600_000).toISOString()}", hostIds: ["${hostId}"]}) { id } }`);
    await web.down();
    const planned = await until('planned incident', async () => (await incidentsOf(httpMonitor)).find((i) => i.status === 'open'));
    expect(planned.planned).toBe(true);
    expect(planned.suppressed).toBe(true);
    expect(planned.timeline.map((e) => e.kind)).toContain('suppressed');
    await web.up();
    await until('resolved', async () => ((await incidentsOf(httpMonitor)).every((i) => i.status === 'resolved') ? true : undefined));
  });

  it('counts no restart inside a maintenance window toward flapping: the failure right after the window pages', async () => {
    const db = new Target(await freePort(), 'tcp');
    await db.up();
    try {
      const dbHost = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "db1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
      const dbMonitor = (await gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "mysql port", type: tcp, hostId: "${dbHost}", config: {port: ${db.port}}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      )).createMonitor.id;
      await until('db up', async () => ((await health(dbMonitor)) === 'up' ? true : undefined));
      const now = Date.now();
      const window = (await gql<{ createMaintenanceWindow: { id: string } }>(`mutation { createMaintenanceWindow(input: {name: "mariadb upgrade", startsAt: "${new Date(now - 60_000).toISOString()}", endsAt: "${new Date(now + 600_000).toISOString()}", hostIds: ["${dbHost}"]}) { id } }`)).createMaintenanceWindow.id;
      // Three restarts in the window: six swings, past the flap threshold (5) had they counted.
      for (let i = 0; i < 3; i++) {
        await db.down();
        await until('db down (planned)', async () => ((await health(dbMonitor)) === 'down' ? true : undefined));
        await db.up();
        await until('db back', async () => ((await health(dbMonitor)) === 'up' ? true : undefined));
      }
      await gql(`mutation { deleteMaintenanceWindow(id: "${window}") }`);
      await db.down();
      const real = await until('the real outage', async () => (await incidentsOf(dbMonitor)).find((i) => i.status === 'open' && !i.planned));
      expect(real.suppressed).toBe(false);
      expect(real.timeline.map((e) => e.kind)).not.toContain('suppressed');
    } finally {
      await db.down().catch(() => undefined);
    }
  }, 60_000);

  it('keeps one incident across a watchdog restart', async () => {
    await until('http up', async () => ((await health(httpMonitor)) === 'up' ? true : undefined));
    await web.down();
    const open = await until('open incident', async () => (await incidentsOf(httpMonitor)).find((i) => i.status === 'open'));
    const before = (await incidentsOf(httpMonitor)).length;
    await api.close({ keepDatabase: true });
    api = await startTestApi(WATCHDOG_ENV, api.db);
    token = (await api.gql<{ login: { token: string } }>('mutation { login(input: {tenant: "watch", email: "owner@watch.test", password: "pw-watch-correct-horse"}) { token } }')).data!.login.token;
    // Still down after the restart: the stored detector state says so, no second incident opens.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await incidentsOf(httpMonitor)).toHaveLength(before);
    await web.up();
    const resolved = await until('resolved after restart', async () => (await incidentsOf(httpMonitor)).find((i) => i.id === open.id && i.status === 'resolved'));
    expect(resolved.id).toBe(open.id);
  }, 30_000);

  it('pushes confirmed changes to subscribers of the tenant, and to no other tenant', async () => {
    await until('http up', async () => ((await health(httpMonitor)) === 'up' ? true : undefined));
    const other = await api.tenant('elsewhere');
    const subscribe = (bearer: string) => {
      const events: { to: string; monitorId: string }[] = [];
      const client = createClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` } });
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe<{ monitorStateChanged: { to: string; monitorId: string } }>(
          { query: 'subscription { monitorStateChanged { monitorId from to at reason } }' },
          { next: (m) => (m.data ? events.push(m.data.monitorStateChanged) : reject(new Error(JSON.stringify(m.errors)))), error: reject, complete: resolve },
        );
      });
      return { events, client, done };
    };
    const mine = subscribe(token);
    const theirs = subscribe(other.token);
    await new Promise((r) => setTimeout(r, 300));
    await web.down();
    await until('pushed down', async () => (mine.events.some((e) => e.monitorId === httpMonitor && e.to === 'down') ? true : undefined));
    expect(mine.events.map((e) => e.to)).toEqual(['suspect', 'down']);
    expect(theirs.events).toEqual([]);
    await web.up();
    await until('pushed up', async () => (mine.events.some((e) => e.to === 'up') ? true : undefined));
    await mine.client.dispose();
    await theirs.client.dispose();
  });

  it('refuses a subscription without a valid token', async () => {
    const client = createClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer vgs_forged' } });
    const outcome = await new Promise<string>((resolve) => {
      client.subscribe({ query: 'subscription { monitorStateChanged { monitorId } }' }, {
        next: (m) => resolve(JSON.stringify(m)),
        error: (e) => resolve(JSON.stringify(e)),
        complete: () => resolve('complete'),
      });
    });
    expect(outcome).toMatch(/UNAUTHENTICATED|invalid credentials/);
    await client.dispose();
  });

  it('answers probeNow with a live result, without feeding the detector', async () => {
    const res = await gql<{ probeNow: { status: string; reason: string; latencyMs: number } }>(`mutation { probeNow(monitorId: "${httpMonitor}") { status reason latencyMs } }`);
    expect(res.probeNow.status).toBe('up');
    expect(res.probeNow.reason).toMatch(/^HTTP 200 from 127\.0\.0\.1/);
  });
});
