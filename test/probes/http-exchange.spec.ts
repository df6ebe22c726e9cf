import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { HttpProbe, ProbeRunner } from '#lib/probes';
import { requestHead } from '../../libs/probes/src/http-exchange.js';
import { testEgressPolicy } from '../support/test-egress.js';

const runner = new ProbeRunner([new HttpProbe()], testEgressPolicy());
const probe = (config: Record<string, unknown>, timeoutMs = 1000) => runner.run({ type: ProbeType.http, config, address: '127.0.0.1', timeoutMs });

/** A raw TCP server that answers every connection with `answer` (written as given, then closed or not). */
function rawServer(answer: (socket: Socket) => void): Promise<{ server: Server; base: string }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => answer(socket));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('the HTTP probe\'s exchange: what real servers send, the odd answers too', () => {
  const servers: (Server | HttpServer)[] = [];
  let base: string;

  beforeAll(async () => {
    const http = createHttpServer((req, res) => {
      if (req.url === '/chunked') {
        res.write('first part, ');
        setTimeout(() => res.end('second part'), 20);
        return;
      }
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/big') {
        res.writeHead(200, { 'content-length': String(6 + 2 * 1024 * 1024 + 3) });
        res.write('start ');
        res.write(Buffer.alloc(2 * 1024 * 1024, 'a'));
        return res.end('END');
      }
      if (req.url === '/head') return res.writeHead(200, { 'content-length': '1000' }).end(req.method === 'HEAD' ? undefined : 'x'.repeat(1000));
      res.end('ok');
    });
    servers.push(http);
    base = await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`)));
  });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('reads chunked bodies, 204s and HEADs without waiting for a body that never comes', async () => {
    expect(await probe({ url: `${base}/chunked`, bodyContains: 'first part, second part' })).toMatchObject({ status: 'up' });
    expect(await probe({ url: `${base}/empty`, expectedStatus: [204] })).toMatchObject({ status: 'up' });
    // The head announces 1,000 bytes that a HEAD answer never sends: read as a body, the probe would time out.
    const head = await probe({ url: `${base}/head`, method: 'HEAD' }, 500);
    expect(head).toMatchObject({ status: 'up' });
    expect(head.latencyMs).toBeLessThan(400);
  });

  it('keeps the first MiB of a larger body for its assertions and reads the rest to the end', async () => {
    expect(await probe({ url: `${base}/big`, bodyContains: 'start aaaa' }, 3000)).toMatchObject({ status: 'up' });
    expect((await probe({ url: `${base}/big`, bodyContains: 'END' }, 3000)).reason).toMatch(/^HTTP 200 .*body does not contain "END"/);
  });

  it('reads a body that ends with the connection, and skips an interim 100 Continue', async () => {
    const untilClose = await rawServer((s) => s.end('HTTP/1.0 200 OK\r\nServer: old\r\n\r\nold but fine'));
    const interim = await rawServer((s) => s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone'));
    servers.push(untilClose.server, interim.server);
    expect(await probe({ url: `${untilClose.base}/`, bodyContains: 'old but fine' })).toMatchObject({ status: 'up' });
    const created = await probe({ url: `${interim.base}/`, bodyContains: 'done' });
    expect(created).toMatchObject({ status: 'up' });
    expect(created.reason).toMatch(/^HTTP 201 /);
  });

  it('says what went wrong when a server hangs up, cuts its answer short, answers nonsense or an endless head', async () => {
    const hangsUp = await rawServer((s) => s.destroy());
    const cutShort = await rawServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'));
    const nonsense = await rawServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const endless = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\n');
      for (let i = 0; i < 40; i++) s.write(`X-Filler-${i}: ${'y'.repeat(1000)}\r\n`);
    });
    servers.push(hangsUp.server, cutShort.server, nonsense.server, endless.server);
    expect(await probe({ url: `${hangsUp.base}/` })).toMatchObject({ status: 'down', reason: expect.stringMatching(/ECONNRESET: socket hang up/) });
    expect(await probe({ url: `${cutShort.base}/` })).toMatchObject({ status: 'down', reason: expect.stringMatching(/closed before the response ended/) });
    expect(await probe({ url: `${nonsense.base}/` })).toMatchObject({ status: 'down', reason: expect.stringMatching(/not a valid HTTP response/) });
    const overflow = await probe({ url: `${endless.base}/` });
    expect(overflow).toMatchObject({ status: 'down', reason: expect.stringMatching(/not a valid HTTP response \(max header size exceeded\)/) });
  });

  it('writes the request as Node\'s client did, and refuses a header that would split it', () => {
    const url = new URL('http://example.test:8080/a%20b?q=1#frag');
    expect(requestHead({ url, method: 'get', headers: { 'user-agent': 'Vigia-probe/1' } })).toBe(
      'GET /a%20b?q=1 HTTP/1.1\r\nuser-agent: Vigia-probe/1\r\nHost: example.test:8080\r\nConnection: close\r\n\r\n',
    );
    expect(requestHead({ url: new URL('http://[::1]/'), method: 'POST', headers: { Host: 'other' } })).toBe('POST / HTTP/1.1\r\nHost: other\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    expect(requestHead({ url, method: 'DELETE', headers: {}, body: 'é' })).toMatch(/Content-Length: 2\r\n\r\n$/);
    // Credentials in the URL: Basic authorization after Host, as Node's client wrote it; a header of the monitor's wins.
    const withUser = new URL('http://ops%40acme:p%3Ass@example.test/status');
    expect(requestHead({ url: withUser, method: 'GET', headers: {} })).toBe(`GET /status HTTP/1.1\r\nHost: example.test\r\nAuthorization: Basic ${Buffer.from('ops@acme:p:ss').toString('base64')}\r\nConnection: close\r\n\r\n`);
    expect(requestHead({ url: withUser, method: 'GET', headers: { authorization: 'Bearer x' } })).not.toContain('Basic');
    expect(() => requestHead({ url, method: 'GET', headers: { 'x-a': 'v\r\nInjected: 1' } })).toThrow(/x-a's value/);
    expect(() => requestHead({ url, method: 'GET', headers: { 'bad name': 'v' } })).toThrow(/header name "bad name"/);
    expect(() => requestHead({ url, method: 'GET /x HTTP/1.1\r\n', headers: {} })).toThrow(/method/);
  });
});
