import express from 'express';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { testSshKey } from '../support/ssh-key.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportLinks } from '#lib/reports';
import { dashboardMiddleware } from '../../apps/api/src/dashboard.middleware.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** The Low items of issue 18 in this area: each refused with a field error, and nothing saved. */
describe('hostile input gets a field error, never INTERNAL, and nothing is saved', () => {
  let api: TestApi;
  let token: string;
  let db: DataSource;
  let hostId = '';
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const refused = async (query: string, variables: Record<string, unknown>, field: string, why?: RegExp) => {
    const res = await api.gql(query, variables, token);
    expect(res.errors?.[0]?.extensions, res.errors?.[0]?.message).toMatchObject({ code: 'VALIDATION_FAILED', field });
    if (why) expect(res.errors?.[0]?.message).toMatch(why);
  };
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const MONITOR = 'mutation($h: ID!, $t: ProbeType!, $c: JSONObject!) { createMonitor(input: {name: "m", type: $t, hostId: $h, config: $c, intervalMs: 60000, timeoutMs: 1000}) { id } }';
  const RUNBOOK = 'mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }';
  const RESOURCE = 'mutation($k: ResourceKind!, $c: JSONObject!, $m: [ResourceMemberInput!]!) { createResource(input: {name: "r", kind: $k, config: $c, members: $m}) { id } }';

  beforeAll(async () => {
    api = await startTestApi();
    db = api.app.get(DataSource);
    token = (await api.tenant('low')).token;
    hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
  }, 60_000);
  afterAll(() => api?.close());

  it('monitor HTTP settings: CRLF in a header, expectedStatus outside 100-599, unknown methods', async () => {
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', headers: { 'X-Ok': 'a\r\nX-Injected: 1' } } }, 'input.config.headers', /CR, LF or NUL/);
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', headers: { 'X-Ok': 'a\nb' } } }, 'input.config.headers');
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', expectedStatus: [200, 999] } }, 'input.config.expectedStatus', /100 to 599/);
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', expectedStatus: [] } }, 'input.config.expectedStatus');
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', method: 'GET /x HTTP/1.1' } }, 'input.config.method');
    expect(await count('monitors')).toBe(0);
  });

  it('undocumented DNS record types and rcodes, and ICMP counts outside 1-10', async () => {
    await refused(MONITOR, { h: hostId, t: 'dns', c: { server: '192.0.2.53', name: 'example.com', recordType: 'ANY' } }, 'input.config.recordType', /one of A, AAAA/);
    await refused(MONITOR, { h: hostId, t: 'dns', c: { server: '192.0.2.53', name: 'example.com', rcode: 'BOGUS' } }, 'input.config.rcode');
    await refused(MONITOR, { h: hostId, t: 'icmp', c: { count: 1000 } }, 'input.config.count', /1 to 10/);
    await refused(MONITOR, { h: hostId, t: 'icmp', c: { count: 0 } }, 'input.config.count');
    expect(await count('monitors')).toBe(0);
    // The documented values still pass.
    await gql(MONITOR, { h: hostId, t: 'dns', c: { server: '192.0.2.53', name: 'example.com', recordType: 'mx', rcode: 'NXDOMAIN' } });
    await db.query('DELETE FROM monitors');
  });

  it('leading-dash values that would become options: a libvirt domain (virsh destroy --help), an interface, a host name', async () => {
    await refused(RESOURCE, { k: 'vm', c: { driver: 'libvirt', domain: '--help' }, m: [{ hostId }] }, 'input.config.domain', /not starting with -/);
    await refused(RESOURCE, { k: 'vip_group', c: { address: '192.0.2.100/24', interface: '-x' }, m: [{ hostId }] }, 'input.config.interface');
    await refused(RESOURCE, { k: 'lb_pool', c: { driver: 'haproxy', runtimeApi: 'tcp://192.0.2.10:9999', backend: '-web' }, m: [{ hostId }] }, 'input.config.backend');
    await refused(MONITOR, { h: hostId, t: 'tcp', c: { host: '-oProxyCommand=x', port: 22 } }, 'input.config.host');
    await refused(RUNBOOK, { i: { source: 'name: v\nsteps:\n  - { name: a, type: vip.move, with: { to: web, interface: "--all" } }\n' } }, 'steps[0].with.interface');
    expect(await count('resources')).toBe(0);
    expect(await count('monitors')).toBe(0);
  });

  it('wait.until has an interval floor (interval: 0ms made 370 requests in 2 s)', async () => {
    const before = await count('runbooks');
    await refused(RUNBOOK, { i: { source: 'name: flood\nsteps:\n  - { name: poll, type: wait.until, with: { probe: tcp, config: { port: 80 }, deadline: 2s, interval: 0ms } }\n' } }, 'steps[0].with.interval', /at least 200ms/);
    expect(await count('runbooks')).toBe(before);
  });

  it('NUL bytes, YAML alias bombs, `constructor`/`__proto__` keys and a report without an id are field errors', async () => {
    const hosts = await count('hosts');
    await refused('mutation($n: String!) { createHost(input: {name: $n, addresses: ["192.0.2.11"]}) { id } }', { n: 'a\u0000b' }, 'input.name', /NUL/);
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', bodyContains: 'x\u0000' } }, 'input.config.bodyContains', /NUL/);
    expect(await count('hosts')).toBe(hosts);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`), 'name: bomb', 'steps: []'].join('\n');
    const runbooks = await count('runbooks');
    await refused(RUNBOOK, { i: { source: bomb } }, 'document', /alias/);
    expect(await count('runbooks')).toBe(runbooks);
    await refused(MONITOR, { h: hostId, t: 'http', c: { url: 'http://192.0.2.10/', constructor: 1 } }, 'input.config.constructor', /not an accepted key/);
    await refused(MONITOR, { h: hostId, t: 'http', c: JSON.parse('{"url":"http://192.0.2.10/","__proto__":{"polluted":true}}') as Record<string, unknown> }, 'input.config.__proto__', /not an accepted key/);
    await refused(RESOURCE, { k: 'vm', c: { driver: 'libvirt', domain: 'vm1', constructor: 'x' }, m: [{ hostId }] }, 'input.config.constructor');
    expect(await count('monitors')).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await refused('query { availabilityReport(input: {subject: {kind: monitor}, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z"}) { subjectId } }', {}, 'input.subject.id');
  });

  it('validateRunbook warns when a parameter is placed inside an `sh -c` script; the runbook still saves', async () => {
    const source = 'name: shell\nparams:\n  who: { type: string }\nsteps:\n  - { name: greet, type: ssh.exec, with: { host: web, argv: ["sh", "-c", "echo hello {{ params.who }}"] } }\n  - { name: safe, type: ssh.exec, with: { host: web, argv: ["sh", "-c", "echo hello \\"$1\\"", "greet", "{{ params.who }}"] } }\n';
    const problems = (await gql<{ validateRunbook: { path: string; message: string; severity: string }[] }>('query($i: RunbookSourceInput!) { validateRunbook(input: $i) { path message severity } }', { i: { source } })).validateRunbook;
    expect(problems).toEqual([{ path: 'steps[0].with.argv[2]', severity: 'warning', message: expect.stringMatching(/params\.who .*runs as shell code/) }]);
    await gql(RUNBOOK, { i: { source } });
  });
});

describe('pinSshHostKey shows old and new fingerprints and replaces a pin only when asked', () => {
  let api: TestApi;
  let token: string;
  let db: DataSource;
  const servers: InstanceType<typeof ssh2.Server>[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    // Two real SSH servers with different host keys: "the host" before and after its key changed.
    for (let i = 0; i < 2; i++) {
      const server = new ssh2.Server({ hostKeys: [testSshKey()] }, (client) => {
        client.on('authentication', (ctx) => ctx.reject());
        client.on('error', () => undefined);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
    api = await startTestApi();
    db = api.app.get(DataSource);
    token = (await api.tenant('pins')).token;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    for (const s of servers) s.close();
  });

  it('first pin: no previous key; a changed key without replace: CONFLICT naming both, nothing changed; with replace: both returned', async () => {
    const gql = async <T>(query: string) => api.gql<T>(query, {}, token);
    const id = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "db1", addresses: ["127.0.0.1"], sshPort: ${ports[0]}}) { id } }`)).data!.createHost.id;
    const PIN = 'id sshHostKey previousSshHostKey replaced host { sshHostKey }';
    const first = (await gql<{ pinSshHostKey: { sshHostKey: string; previousSshHostKey: string | null; replaced: boolean } }>(`mutation { pinSshHostKey(hostId: "${id}") { ${PIN} } }`)).data!.pinSshHostKey;
    expect(first).toMatchObject({ id, sshHostKey: expect.stringMatching(/^SHA256:/), previousSshHostKey: null, replaced: false, host: { sshHostKey: first.sshHostKey } });
    // The host now answers with another key.
    await gql(`mutation { updateHost(id: "${id}", input: {sshPort: ${ports[1]}}) { id } }`);
    const silent = await gql(`mutation { pinSshHostKey(hostId: "${id}") { ${PIN} } }`);
    expect(silent.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'replace' });
    expect(silent.errors?.[0]?.message).toContain(first.sshHostKey);
    const shown = /now presents (SHA256:\S+);/.exec(silent.errors?.[0]?.message ?? '')?.[1];
    expect(shown).toMatch(/^SHA256:/);
    expect(shown).not.toBe(first.sshHostKey);
    expect((await db.query('SELECT ssh_host_key FROM hosts WHERE id = $1', [id]))[0].ssh_host_key).toBe(first.sshHostKey);
    const replaced = (await gql<{ pinSshHostKey: Record<string, unknown> }>(`mutation { pinSshHostKey(hostId: "${id}", replace: true) { ${PIN} } }`)).data!.pinSshHostKey;
    expect(replaced).toMatchObject({ sshHostKey: shown, previousSshHostKey: first.sshHostKey, replaced: true });
    expect((await db.query('SELECT ssh_host_key FROM hosts WHERE id = $1', [id]))[0].ssh_host_key).toBe(shown);
  });
});

describe('pages strangers open from a link send CSP, nosniff and frame protection; /reports reloads as the dashboard', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.tenant('pages')).token;
  }, 60_000);
  afterAll(() => api?.close());

  const expectPageHeaders = (res: Response) => {
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  };

  it('the customer SLA page (valid link and refused link) and the e-mail acknowledgement page', async () => {
    const customer = (await api.gql<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Acme"}) { id } }', {}, token)).data!.createCustomer.id;
    // This month (the tenant's zone is UTC): the customer was created in it.
    const month = new Date().toISOString().slice(0, 7);
    const link = (await api.gql<{ customerReportLink: string }>(`mutation { customerReportLink(customerId: "${customer}", month: "${month}") }`, {}, token)).data!.customerReportLink;
    const page = await fetch(link); // absolute: the test API answers on its own public URL
    expect(page.status).toBe(200);
    expectPageHeaders(page);
    // Its PDF link is the same signed link with format=pdf.
    const pdf = /<a href="([^"]+)">PDF<\/a>/.exec(await page.text())![1]!.replaceAll('&#38;', '&');
    const pdfRes = await fetch(`${api.url}${new URL(link, api.url).pathname}${pdf}`);
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const tampered = await fetch(`${api.url}/reports/customers/${customer}?bad=1`);
    expect(tampered.status).toBe(404);
    expectPageHeaders(tampered);
    // A page a customer can read, not a JSON error.
    expect(tampered.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await tampered.text()).toContain('This report link is not valid');
    // A genuine signature for a month the customer cannot have (signed before links were limited to its months, or
    // one not begun): the same page, never a report of nothing.
    const tenantId = (await api.app.get(DataSource).query('SELECT tenant_id FROM customers WHERE id = $1', [customer]))[0].tenant_id as string;
    for (const month of ['2020-01', '2999-01']) {
      const signed = api.app.get(ReportLinks).sign({ tenantId, customerId: customer, month, expires: Math.floor(Date.now() / 1000) + 600 });
      const res = await fetch(`${api.url}${signed}`);
      expect(res.status, month).toBe(404);
      expect(await res.text()).toContain('This report link is not valid');
    }
    const ack = await fetch(`${api.url}/alerts/ack/${customer}?t=1&e=1&s=x`);
    expect(ack.status).toBe(404);
    expectPageHeaders(ack);
  });

  it('/reports reloaded in a browser gets the dashboard page, not a JSON 404; the SLA page path stays the API', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vigia-dashboard-'));
    writeFileSync(join(folder, 'index.html'), '<!doctype html><title>Vigia dashboard</title>');
    const app = express().use(dashboardMiddleware(folder)).use((_req, res) => res.status(404).json({ statusCode: 404 }));
    const server: Server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ['/reports', '/reports?month=2026-10', '/alerts']) {
        const res = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
        expect(res.status, path).toBe(200);
        expect(await res.text()).toContain('Vigia dashboard');
      }
      expect((await fetch(`${base}/reports/customers/x`, { headers: { accept: 'text/html' } })).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
