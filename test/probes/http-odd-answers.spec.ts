import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { HttpProbe, ProbeRunner } from '#lib/probes';
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

/**
 * What real and hostile servers answer, and what the HTTP probe (Node's client, llhttp) makes of it. Kept as a guard
 * for any leaner client: a pure-JS parser tried on 2026-12-03 looped for ever on a negative chunk size, took seconds
 * on a long blank header line, and called broken framing "200" (docs/performance.md, that day).
 */
describe('the HTTP probe against what real servers send, the odd and hostile answers too', () => {
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

  it('is down, quickly and saying why, on a hang-up, a cut answer, nonsense, an endless head and broken framing', async () => {
    const answers: [string, (s: Socket) => void, RegExp][] = [
      ['hang-up', (s) => s.destroy(), /^ECONNRESET: socket hang up$/],
      ['cut short', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'), /^ECONNRESET: aborted$/],
      ['not HTTP', (s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'), /^HPE_INVALID_CONSTANT/],
      ['a head over 16 KiB', (s) => {
        s.write('HTTP/1.1 200 OK\r\n');
        for (let i = 0; i < 40; i++) s.write(`X-Filler-${i}: ${'y'.repeat(1000)}\r\n`);
      }, /^HPE_HEADER_OVERFLOW/],
      // Each of these kept a pure-JS parser looping, busy for seconds, or calling the answer a 200.
      ['a negative chunk size', (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nxxxxxxxx'), /^HPE_INVALID_CHUNK_SIZE/],
      ['a chunk size that is not hex', (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n'), /^HPE_INVALID_CHUNK_SIZE/],
      ['a length that is not a number', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n'), /^HPE_INVALID_CONTENT_LENGTH/],
      ['both a length and chunks', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'), /^HPE_INVALID_TRANSFER_ENCODING/],
      ['a 60 KB blank folded line', (s) => {
        s.write('HTTP/1.1 200 OK\r\nX-A: 1\r\n');
        s.write(' '.repeat(60_000));
        s.end('\r\nContent-Length: 0\r\n\r\n');
      }, /^HPE_INVALID_HEADER_TOKEN/],
    ];
    for (const [what, answer, reason] of answers) {
      const { server, base } = await rawServer(answer);
      servers.push(server);
      const result = await probe({ url: `${base}/` });
      expect({ what, status: result.status, reason: result.reason }).toEqual({ what, status: 'down', reason: expect.stringMatching(reason) });
      expect(result.latencyMs).toBeLessThan(500);
    }
  });

  it('sends a method given in lower case in upper case, and a header named in another case once, the monitor\'s', async () => {
    const seen: string[] = [];
    const { server, base } = await rawServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'));
    server.prependListener('connection', (s: Socket) => s.once('data', (d: Buffer) => seen.push(d.toString('latin1'))));
    servers.push(server);
    // A HEAD answer announces a body it never sends: waited for, the probe would time out.
    expect(await probe({ url: `${base}/`, method: 'head', headers: { 'User-Agent': 'Mozilla/5.0' } })).toMatchObject({ status: 'up' });
    expect(seen[0]).toMatch(/^HEAD \/ HTTP\/1\.1\r\nUser-Agent: Mozilla\/5\.0\r\nHost: 127\.0\.0\.1:\d+\r\nConnection: close\r\n\r\n$/);
  });
});
