import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import dns2 from 'dns2';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { DnsProbe, ProbeRunner, SmtpProbe, TcpProbe } from '#lib/probes';
import { freePort } from '#lib/persistence';
import { selfSignedCert } from '../support/tls-cert.js';
import { testEgressPolicy } from '../support/test-egress.js';

const runner = new ProbeRunner([new TcpProbe(), new DnsProbe(), new SmtpProbe()], testEgressPolicy());
const run = (type: ProbeType, config: Record<string, unknown>, timeoutMs = 2000) => runner.run({ type, config, address: '127.0.0.1', timeoutMs });

describe('TCP probe', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createTcpServer((socket) => {
      socket.on('error', () => undefined); // the probe hangs up mid-conversation: expected
      socket.write('220 mail.test ESMTP ready\r\n');
      socket.on('data', (d) => socket.write(d.toString().includes('PING') ? 'PONG\r\n' : 'WHAT\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  it('is up when the port accepts, and checks a banner and an answer', async () => {
    expect((await run(ProbeType.tcp, { port })).reason).toMatch(new RegExp(`^TCP 127\\.0\\.0\\.1:${port} accepted in`));
    expect((await run(ProbeType.tcp, { port, bannerRegex: '^220 ' })).status).toBe('up');
    expect((await run(ProbeType.tcp, { port, send: 'PING\\r\\n', expect: 'PONG' })).status).toBe('up');
    const wrong = await run(ProbeType.tcp, { port, bannerRegex: '^\\+OK' }, 500);
    expect(wrong.status).toBe('down');
  });

  it('is down when the port is closed', async () => {
    const closed = await freePort();
    const result = await run(ProbeType.tcp, { port: closed });
    expect(result.status).toBe('down');
    expect(result.reason).toMatch(/ECONNREFUSED/);
  });
});

describe('DNS probe against a DNS server on loopback', () => {
  // dns2's server type declarations are loose; the calls below are its documented API.
  let server: { listen(o: unknown): Promise<void>; close(): void };
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const { Packet } = dns2;
    server = dns2.createServer({
      udp: true,
      handle: (request: { questions: { name: string }[] }, send: (r: unknown) => void) => {
        const response = Packet.createResponseFromRequest(request as never) as { header: { rcode: number }; answers: unknown[] };
        const name = request.questions[0]!.name;
        if (name === 'www.example.test') {
          for (const address of ['192.0.2.80', '192.0.2.81']) response.answers.push({ name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address });
        } else if (name === 'broken.example.test') {
          response.header.rcode = 2;
        } else {
          response.header.rcode = 3;
        }
        send(response);
      },
    } as never) as never;
    await server.listen({ udp: { port, address: '127.0.0.1' } });
  });
  afterAll(() => server?.close());

  it('checks the answer set and the rcode', async () => {
    const ok = await run(ProbeType.dns, { server: '127.0.0.1', port, name: 'www.example.test', expect: ['192.0.2.81', '192.0.2.80'] });
    expect(ok.status).toBe('up');
    expect(ok.reason).toMatch(/^DNS 127\.0\.0\.1 answered www\.example\.test\/A NOERROR \[192\.0\.2\.80, 192\.0\.2\.81\] in/);
    const moved = await run(ProbeType.dns, { server: '127.0.0.1', port, name: 'www.example.test', expect: ['192.0.2.80'] });
    expect(moved.status).toBe('down');
    expect(moved.reason).toMatch(/expected \[192\.0\.2\.80\]$/);
    const nx = await run(ProbeType.dns, { server: '127.0.0.1', port, name: 'nope.example.test' });
    expect(nx.reason).toMatch(/NXDOMAIN.*expected NOERROR/);
    expect((await run(ProbeType.dns, { server: '127.0.0.1', port, name: 'nope.example.test', rcode: 'NXDOMAIN' })).status).toBe('up');
    expect((await run(ProbeType.dns, { server: '127.0.0.1', port, name: 'broken.example.test' })).reason).toMatch(/SERVFAIL/);
  });

  it('is down when the server does not answer', async () => {
    const silent = await freePort();
    const result = await run(ProbeType.dns, { server: '127.0.0.1', port: silent, name: 'www.example.test' }, 800);
    expect(result.status).toBe('down');
  });
});

describe('SMTP probe against smtp-server on loopback', () => {
  let server: SMTPServer;
  let port: number;
  beforeAll(async () => {
    const { key, cert } = await selfSignedCert(90);
    server = new SMTPServer({
      key,
      cert,
      banner: 'mail.test ready',
      authOptional: true,
      onAuth: (auth, _session, callback) =>
        auth.username === 'probe' && auth.password === 'secret' ? callback(null, { user: 'probe' }) : callback(new Error('Invalid username or password')),
      logger: false,
    });
    port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('does EHLO, STARTTLS and AUTH', async () => {
    const ok = await run(ProbeType.smtp, { port, starttls: true, username: 'probe', password: 'secret', tlsVerify: false });
    expect(ok.status).toBe('up');
    expect(ok.reason).toMatch(new RegExp(`^SMTP 127\\.0\\.0\\.1:${port} EHLO ok, STARTTLS, AUTH ok in`));
  });

  it('is down on a refused login, quoting the server', async () => {
    const bad = await run(ProbeType.smtp, { port, starttls: true, username: 'probe', password: 'wrong', tlsVerify: false });
    expect(bad.status).toBe('down');
    expect(bad.reason).toMatch(/failed after EHLO ok, STARTTLS: 535 Invalid username or password/);
  });

  it('refuses an untrusted certificate unless told otherwise', async () => {
    const untrusted = await run(ProbeType.smtp, { port, starttls: true });
    expect(untrusted.status).toBe('down');
  });
});

describe('a multi-step probe through a stalled event loop', () => {
  let server: SMTPServer;
  let port: number;
  beforeAll(async () => {
    // The process's loop is blocked for 400 ms just as the session opens (a GC pause, a saturated machine): the greeting
    // leaves after the 200 ms deadline has passed on the wall clock, and the rest of the exchange follows it.
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Its reverse lookup of the client runs before onConnect and could outlast the 200 ms deadline by itself.
      disableReverseLookup: true,
      logger: false,
      onConnect: (_session, callback) => {
        const until = Date.now() + 400;
        while (Date.now() < until) { /* the stall */ }
        callback();
      },
    });
    port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is up: the deadline gives back the stall, and the library\'s own greeting timeout does not fire first', async () => {
    const result = await run(ProbeType.smtp, { port, starttls: false }, 200);
    expect(result).toMatchObject({ status: 'up', reason: expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+ EHLO ok in/) });
    // Measured on the wall clock, the stall included.
    expect(result.latencyMs).toBeGreaterThan(300);
  });

  it('is still down at the deadline when nothing answers (no stall to give back)', async () => {
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const started = Date.now();
      const result = await run(ProbeType.smtp, { port: (silent.address() as AddressInfo).port, starttls: false }, 200);
      // On a loaded machine the deadline's own timer may fire late, and that lateness is given back (and said).
      expect(result).toMatchObject({ status: 'down', reason: expect.stringMatching(/^no answer within 200 ms/) });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      silent.close();
    }
  });
});
