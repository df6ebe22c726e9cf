import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '#lib/egress';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

/**
 * A monitor whose configured address the platform's egress policy refuses at probe time — accepted at save through a
 * tenant's exact address:port exception (the live demo's kind) on another port, or a policy tightened since — is not
 * probed: unknown, saying why and what to change; never "down", an incident, a page or downtime (an operator's first
 * hour: a tcp monitor on the demo's 127.0.0.1 paged CRITICAL and cost the month's SLA). When the address is allowed,
 * it is probed and judged at once.
 */
describe('a monitor the platform egress policy refuses to probe', () => {
  let api: TestApi;
  let tenant: { tenantId: string; token: string };
  let target: Server;
  let port: number;

  beforeAll(async () => {
    target = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as AddressInfo).port;
    // Loopback not allowed: only the tenant's exact exceptions reach it.
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_EGRESS_ALLOW: '10.0.0.0/8', VIGIA_STATE_FLUSH_SECONDS: '1' });
    tenant = await api.tenant('shop');
    api.app.get(EgressPolicy).exceptions.grant(tenant.tenantId, [{ address: '127.0.0.1', port: 1 }], 'a test exception, as the live demo has');
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  it('is unknown with why, opens nothing; once allowed it is probed and up', { timeout: 60_000 }, async () => {
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "local1", addresses: ["127.0.0.1"]}) { id } }', {}, tenant.token)).createHost.id;
    const monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "local tcp", type: tcp, hostId: "${host}", config: {port: ${port}}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, tenant.token,
    )).createMonitor.id;
    const state = async () => (await api.ok<{ monitor: { state: { health: string; reason: string } | null } }>(`{ monitor(id: "${monitor}") { state { health reason } } }`, {}, tenant.token)).monitor.state;
    const refused = await eventually('unknown, saying the address is refused', async () => {
      const s = await state();
      return s?.reason.includes('not probing this target') ? s : undefined;
    }, { timeoutMs: 15_000 });
    expect(refused.health).toBe('unknown');
    expect(refused.reason).toMatch(/^no fresh result from any vantage — \S+: not voting, not probing this target \(the platform's egress policy does not allow the address configured — refused by egress policy: 127\.0\.0\.1 is loopback; an operator of Vigia allows it with VIGIA_EGRESS_ALLOW on the watchdogs, or the monitor names an address that is allowed\)$/);
    // Several intervals on: still unknown, and nothing opened (a refusal is no outage of the target).
    await new Promise((r) => setTimeout(r, 4000));
    expect((await state())?.health).toBe('unknown');
    const incidents = await api.ok<{ incidents: { nodes: unknown[] } }>('{ incidents { nodes { id } } }', {}, tenant.token);
    expect(incidents.incidents.nodes).toEqual([]);
    // The address allowed (an exception for this port): probed, up.
    api.app.get(EgressPolicy).exceptions.grant(tenant.tenantId, [{ address: '127.0.0.1', port: 1 }, { address: '127.0.0.1', port }], 'now this port too');
    const up = await eventually('probed and up once allowed', async () => {
      const s = await state();
      return s?.health === 'up' ? s : undefined;
    }, { timeoutMs: 15_000 });
    expect(up.reason).toMatch(/^TCP 127\.0\.0\.1:\d+ accepted in/);
    // The policy tightened again (the exception withdrawn): up → unknown (the time unobserved), still no incident.
    api.app.get(EgressPolicy).exceptions.revoke(tenant.tenantId);
    await eventually('unknown again once refused', async () => ((await state())?.reason.includes('not probing this target') ? true : undefined), { timeoutMs: 15_000 });
    expect((await state())?.health).toBe('unknown');
    expect((await api.ok<{ incidents: { nodes: unknown[] } }>('{ incidents { nodes { id } } }', {}, tenant.token)).incidents.nodes).toEqual([]);
  });
});
