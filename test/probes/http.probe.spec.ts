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

  it('is degraded when slower than its ceiling, and down when it hangs past the timeout', async () => {
    const slow = await probe({ url: `${base}/slow`, maxLatencyMs: 100 });
    expect(slow.status).toBe('degraded');
    expect(slow.reason).toMatch(/slower than 100 ms/);
    const started = Date.now();
    const hung = await probe({ url: `${base}/hang` }, 500);
    expect(hung).toMatchObject({ status: 'down', reason: 'no answer within 500 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
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
