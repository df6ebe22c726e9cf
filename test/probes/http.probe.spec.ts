import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { HttpProbe, ProbeRunner } from '#lib/probes';
import { selfSignedCert } from '../support/tls-cert.js';
import { testEgressPolicy } from '../support/test-egress.js';

const runner = new ProbeRunner([new HttpProbe()], testEgressPolicy());
const probe = (config: Record<string, unknown>, timeoutMs = 2000) =>
  runner.run({ type: ProbeType.http, config, address: '127.0.0.1', timeoutMs });

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('HTTP probe against a real server on loopback', () => {
  const wire: { rawHeaders: string[]; method: string; url: string; remotePort: number }[] = [];
  let server: Server;
  let base: string;
  let tls: Server;
  let tlsBase: string;
  let shortTls: Server;
  let shortBase: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/ok') return res.end('all good, version 42');
      if (url === '/json') return res.setHeader('content-type', 'application/json').end(JSON.stringify({ checks: { db: { status: 'ok' } }, items: [{ state: 'green' }] }));
      if (url === '/503') return res.writeHead(503).end('maintenance');
      if (url === '/slow') return void setTimeout(() => res.end('late'), 300);
      if (url === '/hang') return; // never answers
      if (url === '/redirect') return res.writeHead(302, { location: '/ok' }).end();
      if (url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      if (url === '/echo') return void req.on('data', () => undefined).on('end', () => res.end(`${req.method} ${req.headers['x-probe'] ?? ''}`));
      if (url.startsWith('/wire')) {
        wire.push({ rawHeaders: req.rawHeaders, method: req.method!, url, remotePort: req.socket.remotePort! });
        return res.end('seen');
      }
      res.writeHead(404).end();
    });
    base = `http://127.0.0.1:${await listen(server)}`;
    const long = await selfSignedCert(90);
    tls = createHttpsServer(long, (_req, res) => res.end('secure'));
    tlsBase = `https://127.0.0.1:${await listen(tls)}`;
    const short = await selfSignedCert(3);
    shortTls = createHttpsServer(short, (_req, res) => res.end('secure'));
    shortBase = `https://127.0.0.1:${await listen(shortTls)}`;
  });
  afterAll(() => {
    for (const s of [server, tls, shortTls]) {
      s?.closeAllConnections();
      s?.close();
    }
  });

  it('is up on a 200 with the body it expects, and says what it saw', async () => {
    const result = await probe({ url: `${base}/ok`, bodyContains: 'all good', bodyRegex: 'version \\d+' });
    expect(result.status).toBe('up');
    expect(result.reason).toMatch(/^HTTP 200 from 127\.0\.0\.1 in [\d.]+ ms$/);
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('is down on an unexpected status, naming it', async () => {
    const result = await probe({ url: `${base}/503` });
    expect(result).toMatchObject({ status: 'down' });
    expect(result.reason).toMatch(/^HTTP 503 from 127\.0\.0\.1 in [\d.]+ ms: expected status 2xx$/);
    expect((await probe({ url: `${base}/503`, expectedStatus: [503] })).status).toBe('up');
  });

  it('checks body content and JSON paths', async () => {
    expect((await probe({ url: `${base}/ok`, bodyContains: 'bad news' })).reason).toMatch(/body does not contain "bad news"/);
    expect((await probe({ url: `${base}/ok`, bodyRegex: '^x' })).reason).toMatch(/body does not match \/\^x\//);
    expect((await probe({ url: `${base}/json`, jsonPath: '$.checks.db.status', jsonEquals: 'ok' })).status).toBe('up');
    expect((await probe({ url: `${base}/json`, jsonPath: 'items[0].state', jsonEquals: 'red' })).reason).toMatch(/JSON items\[0\]\.state is green, expected red/);
    expect((await probe({ url: `${base}/ok`, jsonPath: '$.a' })).reason).toMatch(/body is not JSON/);
  });

  it('follows redirects by policy and refuses loops', async () => {
    expect((await probe({ url: `${base}/redirect` })).status).toBe('up');
    expect((await probe({ url: `${base}/redirect`, followRedirects: false, expectedStatus: [302] })).status).toBe('up');
    expect((await probe({ url: `${base}/loop`, maxRedirects: 3 })).reason).toMatch(/more than 3 redirects/);
  });

  it('sends the method, headers and body it is given', async () => {
    const result = await probe({ url: `${base}/echo`, method: 'POST', body: 'x=1', headers: { 'X-Probe': 'vigia' }, bodyContains: 'POST vigia' });
    expect(result.status).toBe('up');
  });

  it('sends what a new visitor sends, on a fresh connection that it closes', async () => {
    const sockets = new Set<unknown>();
    server.on('connection', (socket) => sockets.add(socket));
    wire.length = 0;
    const first = await probe({ url: `${base}/wire?a=1` });
    const second = await probe({ url: `${base}/wire`, method: 'PUT', body: 'x=1', headers: { 'X-Probe': 'vigia', 'user-agent': 'custom/2' } });
    expect([first.status, second.status]).toEqual(['up', 'up']);
    const port = base.split(':').at(-1);
    // The exact request lines Node's client writes without a keep-alive agent: Connection: close, Host with the port.
    expect(wire[0]).toMatchObject({ method: 'GET', url: '/wire?a=1', rawHeaders: ['user-agent', 'Vigia-probe/1', 'Host', `127.0.0.1:${port}`, 'Connection', 'close'] });
    expect(wire[1]).toMatchObject({ method: 'PUT', url: '/wire', rawHeaders: ['user-agent', 'custom/2', 'X-Probe', 'vigia', 'Host', `127.0.0.1:${port}`, 'Connection', 'close', 'Content-Length', '3'] });
    // Two connections, never one reused; both closed once answered.
    expect(sockets.size).toBe(2);
    expect(wire[0]!.remotePort).not.toBe(wire[1]!.remotePort);
    await new Promise((r) => setTimeout(r, 50));
    expect([...sockets].every((s) => (s as { destroyed: boolean }).destroyed)).toBe(true);
  });

  it('names no port in Host when it is the scheme\'s (80), as any browser', async (ctx) => {
    // Port 80 on a loopback address of its own: when this machine refuses it (taken, or not root), nothing to check.
    const plain = createServer((req, res) => res.end(req.headers.host));
    const bound = await new Promise<boolean>((resolve) => plain.once('error', () => resolve(false)).listen(80, '127.0.0.87', () => resolve(true)));
    if (!bound) return ctx.skip();
    try {
      const result = await probe({ url: 'http://127.0.0.87/', bodyContains: 'x' });
      expect(result.reason).toMatch(/body does not contain "x"/);
      expect((await probe({ url: 'http://127.0.0.87/', bodyRegex: '^127\\.0\\.0\\.87$' })).status).toBe('up');
    } finally {
      plain.close();
    }
  });

  it('is degraded when slower than its ceiling, and down when it hangs past the timeout', async () => {
    const slow = await probe({ url: `${base}/slow`, maxLatencyMs: 100 });
    expect(slow.status).toBe('degraded');
    expect(slow.reason).toMatch(/slower than 100 ms/);
    const started = Date.now();
    const hung = await probe({ url: `${base}/hang` }, 500);
    expect(hung).toMatchObject({ status: 'down', reason: expect.stringMatching(/^no answer within 500 ms/) });
    expect(Date.now() - started).toBeLessThan(1500);
    // The deadline closed the connection: nothing is left open on the server.
    await new Promise((r) => setTimeout(r, 100));
    expect(await new Promise((resolve) => server.getConnections((_e, n) => resolve(n)))).toBe(0);
  });

  it('is down when nothing listens, with the system error', async () => {
    const closed = createServer();
    const port = await listen(closed);
    closed.close();
    const result = await probe({ url: `http://127.0.0.1:${port}/` });
    expect(result.status).toBe('down');
    expect(result.reason).toMatch(/ECONNREFUSED/);
  });

  it('verifies TLS by default, and warns of a certificate about to expire', async () => {
    const untrusted = await probe({ url: `${tlsBase}/` });
    expect(untrusted.status).toBe('down');
    expect(untrusted.reason).toMatch(/self[- ]signed/i);
    const trusted = await probe({ url: `${tlsBase}/`, tlsVerify: false });
    expect(trusted.status).toBe('up');
    const expiring = await probe({ url: `${shortBase}/`, tlsVerify: false, certExpiryWarnDays: 14 });
    expect(expiring.status).toBe('degraded');
    expect(expiring.reason).toMatch(/TLS certificate expires in [23]\.\d days/);
  });
});
