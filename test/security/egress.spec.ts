import { Resolver } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import dns2 from 'dns2';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVigiaConfig } from '#lib/config';
import { EgressPolicy, type EgressResolver } from '#lib/egress';
import { ProbeType } from '#lib/inventory';
import { HttpProbe, ProbeRunner, TcpProbe } from '#lib/probes';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { eventually } from '../support/eventually.js';
import { RecordingServer } from '../support/recording-server.js';

const PLATFORM = { tenantId: 't', vantage: 'platform' } as const;

/** Every spelling of a refused address an attacker would try, with the class the refusal must name. */
const REFUSED: [string, RegExp][] = [
  ['127.0.0.1', /loopback/], ['2130706433', /loopback/], ['0177.0.0.1', /loopback/], ['0x7f000001', /loopback/], ['127.1', /loopback/],
  ['::1', /loopback/], ['[::1]', /loopback/], ['::ffff:127.0.0.1', /loopback/], ['::ffff:7f00:1', /loopback/], ['64:ff9b::7f00:1', /loopback/],
  ['2002:7f00:1::', /loopback/], ['::127.0.0.1', /loopback/], ['169.254.169.254', /metadata/], ['fd00:ec2::254', /metadata/],
  ['169.254.1.1', /link-local/], ['fe80::1', /link-local/], ['10.0.0.1', /private/], ['172.16.5.4', /private/], ['192.168.1.1', /private/],
  ['100.64.0.1', /carrier-grade NAT/], ['fc00::1', /unique-local/], ['0.0.0.0', /unspecified/], ['::', /unspecified/],
  ['224.0.0.1', /multicast/], ['ff02::1', /multicast/], ['255.255.255.255', /broadcast/], ['::ffff:10.1.2.3', /private/],
];

describe('egress policy: what a platform vantage may reach', () => {
  const policy = new EgressPolicy();

  it.each(REFUSED)('refuses %s by default, naming why', (address, why) => {
    const verdict = policy.judge(address.replace(/^\[|\]$/g, ''), PLATFORM);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? '' : verdict.why).toMatch(why);
    expect(policy.literalRefusal(address, PLATFORM)).toMatch(/^refused by egress policy: /);
  });

  it('allows public unicast addresses, and names are left to connect time', () => {
    for (const address of ['93.184.216.34', '2606:4700:4700::1111', '192.0.2.10']) expect(policy.judge(address, PLATFORM)).toEqual({ allowed: true });
    expect(policy.literalRefusal('www.example.com', PLATFORM)).toBeUndefined();
  });

  it('an operator allow-list opens private ranges, never metadata or multicast; the provider deny-list wins over it', () => {
    const selfHosted = new EgressPolicy({ allow: ['10.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4'], deny: ['10.9.0.0/16'] });
    expect(selfHosted.judge('10.1.2.3', PLATFORM)).toEqual({ allowed: true });
    expect(selfHosted.judge('::ffff:10.1.2.3', PLATFORM)).toEqual({ allowed: true });
    expect(selfHosted.judge('10.9.0.5', PLATFORM)).toEqual({ allowed: false, why: "10.9.0.5 is in the provider's networks" });
    expect(selfHosted.judge('169.254.169.254', PLATFORM)).toMatchObject({ allowed: false, why: expect.stringMatching(/cloud metadata/) });
    expect(selfHosted.judge('224.0.0.1', PLATFORM)).toMatchObject({ allowed: false });
    expect(selfHosted.judge('127.0.0.1', PLATFORM)).toMatchObject({ allowed: false });
    const provider = new EgressPolicy({ allow: [], deny: ['203.0.113.0/24'] });
    expect(provider.judge('203.0.113.7', PLATFORM)).toMatchObject({ allowed: false, why: expect.stringMatching(/provider's networks/) });
  });

  it('the lists are validated at start, naming the variable', () => {
    expect(() => loadVigiaConfig({ VIGIA_EGRESS_ALLOW: '10.0.0.0/8,banana' })).toThrow(/^VIGIA_EGRESS_ALLOW: must be a comma-separated list of CIDRs/);
    expect(() => loadVigiaConfig({ VIGIA_EGRESS_DENY: '10.0.0.0/33' })).toThrow(/^VIGIA_EGRESS_DENY: /);
    expect(loadVigiaConfig({ VIGIA_EGRESS_ALLOW: ' 10.0.0.0/8 , fd00::/8 ' }).egress).toEqual({ allow: ['10.0.0.0/8', 'fd00::/8'], deny: [] });
  });

  it('a ProbeRunner built without a policy gets the safe default: loopback refused', async () => {
    const result = await new ProbeRunner([new TcpProbe()]).run({ type: ProbeType.tcp, config: { port: 9 }, address: '127.0.0.1', timeoutMs: 1000 });
    // Marked as not attempted: from an agent, its own policy's refusal is no vote on the target.
    expect(result).toMatchObject({ status: 'down', reason: 'refused by egress policy: 127.0.0.1 is loopback', refused: true });
  });
});

function listen(server: Server | TcpServer, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

describe('DNS rebinding: the address judged is the address connected to', () => {
  // A name whose answers alternate between an allowed address (127.0.0.2, standing in for a public one) and
  // loopback, with TTL 0: a check-the-name-then-connect design would reach the loopback server on some probes.
  let dns: { listen(o: unknown): Promise<void>; close(): void };
  let publicServer: Server;
  let secretServer: RecordingServer;
  let port = 0;
  let queries = 0;
  const secretHits = (): string[] => secretServer.hits.map((h) => h.path);
  let resolver: EgressResolver;

  beforeAll(async () => {
    publicServer = createServer((_req, res) => res.end('public'));
    port = await listen(publicServer, '127.0.0.2');
    secretServer = await new RecordingServer(() => ({ body: 'SECRET' })).start(port, '127.0.0.1');
    const { Packet } = dns2;
    // dns2's server type declarations are loose; the calls below are its documented API.
    dns = dns2.createServer({
      udp: true,
      handle: (request: { questions: { name: string }[] }, send: (r: unknown) => void) => {
        const response = Packet.createResponseFromRequest(request as never) as { answers: unknown[] };
        const name = request.questions[0]!.name;
        queries += 1;
        response.answers.push({ name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 0, address: queries % 2 ? '127.0.0.2' : '127.0.0.1' });
        send(response);
      },
    } as never) as never;
    const dnsPort = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    await dns.listen({ udp: { port: dnsPort, address: '127.0.0.1' } });
    const stub = new Resolver({ timeout: 1000, tries: 1 });
    stub.setServers([`127.0.0.1:${dnsPort}`]);
    resolver = async (hostname) => (await stub.resolve4(hostname)).map((address) => ({ address, family: 4 as const }));
  });
  afterAll(async () => {
    dns?.close();
    publicServer?.close();
    await secretServer?.stop();
  });

  it('each probe resolves once, judges, and connects to that address: loopback answers are refused, never reached', async () => {
    const runner = new ProbeRunner([new HttpProbe()], new EgressPolicy({ allow: ['127.0.0.2/32'], deny: [] }, resolver));
    const reasons: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await runner.run({ type: ProbeType.http, config: { url: `http://rebind.test:${port}/` }, address: '192.0.2.1', timeoutMs: 2000 });
      reasons.push(`${result.status} ${result.reason}`);
    }
    expect(reasons.filter((r) => r.startsWith('up HTTP 200 from 127.0.0.2'))).toHaveLength(3);
    expect(reasons.filter((r) => r === 'down refused by egress policy: 127.0.0.1 is loopback (rebind.test resolved to it)')).toHaveLength(3);
    expect(secretHits()).toEqual([]);
    expect(queries).toBe(6);
  });
});

describe('egress policy through the API: every path a tenant can configure', () => {
  let api: TestApi;
  let token: string;
  let db: DataSource;
  let secret: RecordingServer;
  let secretPort = 0;
  let publicServer: Server;
  let publicPort = 0;
  let sshTrap: TcpServer;
  let sshTrapPort = 0;
  const secretHits = (): string[] => secret.hits.map((h) => `${h.method} ${h.path}`);
  let sshTrapConnections = 0;
  const ids: Record<string, string> = {};

  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const refusedAt = async (query: string, variables: Record<string, unknown>, field: string, why: RegExp) => {
    const res = await api.gql(query, variables, token);
    expect(res.errors?.[0]?.extensions, res.errors?.[0]?.message).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(res.errors?.[0]?.message).toMatch(why);
  };
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    secret = await new RecordingServer(() => ({ body: 'SECRET-TOKEN-of-the-platform' })).start();
    secretPort = secret.port;
    publicServer = createServer((req, res) => {
      if (req.url === '/redirect') return res.writeHead(302, { location: `http://127.0.0.1:${secretPort}/via-redirect` }).end();
      if (req.url === '/big') return res.end('x'.repeat(100_000));
      res.end('ok');
    });
    publicPort = await listen(publicServer, '127.0.0.2');
    sshTrap = createTcpServer((socket) => (sshTrapConnections++, socket.destroy()));
    sshTrapPort = await listen(sshTrap, '127.0.0.1');
    // Production rules plus one opened address standing in for "the public Internet" (tests reach only loopback).
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0', VIGIA_EGRESS_ALLOW: '127.0.0.2/32' });
    db = api.app.get(DataSource);
    token = (await api.tenant('mallory')).token;
    ids.web = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await secret?.stop();
    publicServer?.close();
    sshTrap?.close();
  });

  it('refuses literal addresses at save with a field error, in every spelling; nothing is saved', async () => {
    const hosts = await count('hosts');
    for (const [address, why] of [['127.0.0.1', /loopback/], ['169.254.169.254', /metadata/], ['10.1.2.3', /private/], ['::ffff:127.0.0.1', /loopback/], ['fd00:ec2::254', /metadata/]] as const) {
      await refusedAt('mutation($a: [String!]!) { createHost(input: {name: "internal", addresses: $a}) { id } }', { a: ['192.0.2.11', address] }, 'input.addresses[1]', why);
    }
    await refusedAt(`mutation { updateHost(id: "${ids.web}", input: {addresses: ["127.0.0.1"]}) { id } }`, {}, 'input.addresses[0]', /loopback/);
    expect(await count('hosts')).toBe(hosts);
    expect((await db.query('SELECT addresses FROM hosts WHERE id = $1', [ids.web]))[0].addresses).toEqual(['192.0.2.10']);

    const monitor = 'mutation($c: JSONObject!, $t: ProbeType!) { createMonitor(input: {name: "m", type: $t, hostId: "' + ids.web + '", config: $c, intervalMs: 60000, timeoutMs: 1000}) { id } }';
    for (const url of [
      `http://127.0.0.1:${secretPort}/`, `http://2130706433:${secretPort}/`, `http://0177.0.0.1:${secretPort}/`, `http://0x7f000001:${secretPort}/`,
      `http://127.1:${secretPort}/`, `http://[::1]:${secretPort}/`, `http://[::ffff:127.0.0.1]:${secretPort}/`, 'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/', 'http://10.0.0.5/', 'http://100.64.1.1/',
    ]) {
      await refusedAt(monitor, { t: 'http', c: { url } }, 'input.config.url', /^input\.config\.url: refused by egress policy: /);
    }
    for (const host of ['127.0.0.1', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '::1', '172.16.0.1']) {
      await refusedAt(monitor, { t: 'tcp', c: { host, port: secretPort } }, 'input.config.host', /refused by egress policy/);
    }
    await refusedAt(monitor, { t: 'dns', c: { server: '127.0.0.1', name: 'example.com' } }, 'input.config.server', /loopback/);
    await refusedAt(monitor, { t: 'mysql', c: { host: '127.0.0.1', user: 'root' } }, 'input.config.host', /loopback/);
    await refusedAt(monitor, { t: 'mail_roundtrip', c: { smtpHost: '10.0.0.2', from: 'a@b.c', to: 'a@b.c' } }, 'input.config.smtpHost', /private/);
    expect(await count('monitors')).toBe(0);

    const channel = 'mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }';
    await refusedAt(channel, { i: { name: 'hook', type: 'webhook', config: { url: `http://127.0.0.1:${secretPort}/hook` }, secret: 'a-signing-secret-0123' } }, 'input.config.url', /loopback/);
    await refusedAt(channel, { i: { name: 'pd', type: 'pagerduty', config: { apiUrl: 'http://169.254.169.254' }, secret: 'a'.repeat(32) } }, 'input.config.apiUrl', /metadata/);
    expect(await count('alert_channels')).toBe(0);

    const pool = 'mutation($c: JSONObject!) { createResource(input: {name: "pool", kind: lb_pool, config: $c, members: [{hostId: "' + ids.web + '"}]}) { id } }';
    await refusedAt(pool, { c: { driver: 'haproxy', runtimeApi: 'unix:/run/haproxy/admin.sock', backend: 'web' } }, 'input.config.runtimeApi', /Unix socket/);
    await refusedAt(pool, { c: { driver: 'haproxy', runtimeApi: `tcp://127.0.0.1:${secretPort}`, backend: 'web' } }, 'input.config.runtimeApi', /loopback/);
    expect(await count('resources')).toBe(0);
    expect(secretHits()).toEqual([]);
  });

  it('judges names after resolution when connecting: probeNow of localhost is down with the refusal, nothing reached', async () => {
    const create = async (name: string, type: string, config: Record<string, unknown>) =>
      (await gql<{ createMonitor: { id: string } }>('mutation($c: JSONObject!, $t: ProbeType!) { createMonitor(input: {name: "' + name + '", type: $t, hostId: "' + ids.web + '", config: $c, intervalMs: 60000, timeoutMs: 2000, enabled: false}) { id } }', { t: type, c: config })).createMonitor.id;
    const probeNow = async (id: string) => (await gql<{ probeNow: { status: string; reason: string } }>(`mutation { probeNow(monitorId: "${id}") { status reason } }`)).probeNow;
    const byName = await probeNow(await create('by name', 'http', { url: `http://localhost:${secretPort}/secret`, bodyRegex: '^SECRET' }));
    expect(byName.status).toBe('down');
    expect(byName.reason).toMatch(/^refused by egress policy: (127\.0\.0\.1|::1) is loopback \(localhost resolved to it\)$/);
    const tcp = await probeNow(await create('tcp by name', 'tcp', { host: 'localhost', port: secretPort, bannerRegex: 'SECRET' }));
    expect(tcp.reason).toMatch(/^refused by egress policy: .* is loopback/);
    // An allowed server that redirects to loopback: the hop is judged like the first URL.
    const redirect = await probeNow(await create('redirect', 'http', { url: `http://127.0.0.2:${publicPort}/redirect` }));
    expect(redirect).toMatchObject({ status: 'down', reason: 'refused by egress policy: 127.0.0.1 is loopback' });
    expect(secretHits()).toEqual([]);
  });

  it('a status-page webhook subscriber: a refused literal at save (field named, nothing saved); by name, refused when delivering, nothing reached', async () => {
    const page = (await gql<{ createStatusPage: { id: string } }>('mutation { createStatusPage(input: {slug: "egress", title: "Egress"}) { id } }')).createStatusPage.id;
    const add = 'mutation($p: ID!, $u: String!) { addStatusWebhookSubscriber(pageId: $p, input: {url: $u, secret: "a-signing-secret-0123"}) { id } }';
    await refusedAt(add, { p: page, u: `http://127.0.0.1:${secretPort}/hook` }, 'input.url', /loopback/);
    await refusedAt(add, { p: page, u: 'http://169.254.169.254/latest/meta-data/' }, 'input.url', /metadata/);
    expect(await count('status_subscribers')).toBe(0);
    await gql(add, { p: page, u: `http://localhost:${secretPort}/hook` });
    await gql(`mutation { createStatusPost(pageId: "${page}", input: {title: "x", published: true}, update: {state: investigating, body: "x"}) { id } }`);
    const row = await eventually('the status webhook to be refused', async () => {
      const [r]: { status: string; last_error: string | null }[] = await db.query("SELECT status, last_error FROM status_notifications WHERE kind = 'post'");
      return r?.last_error ? r : undefined;
    }, { timeoutMs: 10_000 });
    expect(row?.last_error).toMatch(/^refused by egress policy: .* is loopback \(localhost resolved to it\)$/);
    expect(secretHits()).toEqual([]);
  });

  it('a webhook channel by name is refused when delivering; lastError is the refusal, nothing reached', async () => {
    const channelId = (await gql<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'hook', type: 'webhook', config: { url: `http://localhost:${secretPort}/hook` }, secret: 'a-signing-secret-0123' } })).createAlertChannel.id;
    const test = (await gql<{ testAlertChannel: { id: string } }>(`mutation { testAlertChannel(channelId: "${channelId}") { id } }`)).testAlertChannel.id;
    const row = await eventually('the delivery to be refused', async () => {
      const [r]: { status: string; last_error: string | null }[] = await db.query('SELECT status, last_error FROM notifications WHERE id = $1', [test]);
      return r?.last_error ? r : undefined;
    }, { timeoutMs: 10_000 });
    expect(row?.status).toMatch(/failed|dead/);
    expect(row?.last_error).toMatch(/^refused by egress policy: .* is loopback \(localhost resolved to it\)$/);
    expect(secretHits()).toEqual([]);
  });

  it('runbook http.request and wait.until are refused by name; an allowed answer is kept as a 512-byte excerpt', async () => {
    const runbook = async (source: string) => (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', { i: { source } })).createRunbook.id;
    const run = async (runbookId: string) => {
      const id = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${runbookId}"}) { id } }`)).startRun.id;
      const deadline = Date.now() + 15_000;
      for (;;) {
        const r = (await gql<{ run: { status: string; steps: { status: string; error: string | null; stdout: string }[] } }>(`{ run(id: "${id}") { status steps { status error stdout } } }`)).run;
        if (['succeeded', 'failed'].includes(r.status) || Date.now() > deadline) return r;
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    const request = await run(await runbook(`name: exfiltrate\nsteps:\n  - { name: read, type: http.request, with: { url: "http://localhost:${secretPort}/admin" } }\n`));
    expect(request.status).toBe('failed');
    expect(request.steps[0]!.error).toMatch(/refused by egress policy: .* is loopback/);
    const wait = await run(await runbook(`name: poll\nsteps:\n  - { name: poll, type: wait.until, with: { probe: http, config: { url: "http://localhost:${secretPort}/" }, deadline: 2s, interval: 1s } }\n`));
    expect(wait.status).toBe('failed');
    expect(wait.steps[0]!.stdout).toMatch(/refused by egress policy/);
    expect(secretHits()).toEqual([]);
    const big = await run(await runbook(`name: big\nsteps:\n  - { name: big, type: http.request, with: { url: "http://127.0.0.2:${publicPort}/big" } }\n`));
    expect(big.status).toBe('succeeded');
    expect(Buffer.byteLength(big.steps[0]!.stdout)).toBeLessThanOrEqual(512);
    expect(big.steps[0]!.stdout).toMatch(/ … \[cut\]$/);
  });

  it('pinSshHostKey and SSH are judged at connect time: a host stored with loopback (before the policy) is refused, nothing pinned', async () => {
    const id = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "legacy", addresses: ["192.0.2.12"], sshPort: ${sshTrapPort}}) { id } }`)).createHost.id;
    // As if saved before the policy existed, or under a wider allow-list since narrowed.
    await db.query("UPDATE hosts SET addresses = '{127.0.0.1}' WHERE id = $1", [id]);
    const res = await api.gql(`mutation { pinSshHostKey(hostId: "${id}") { id } }`, {}, token);
    expect(res.errors?.[0]?.message).toMatch(/refused by egress policy: 127\.0\.0\.1 is loopback/);
    expect((await db.query('SELECT ssh_host_key FROM hosts WHERE id = $1', [id]))[0].ssh_host_key).toBeNull();
    expect(sshTrapConnections).toBe(0);
  });
});
