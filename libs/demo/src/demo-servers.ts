import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '#lib/common';
import { listenDns } from './demo-dns-server.js';
import { listenImap, type DemoMailbox } from './demo-imap-server.js';

/** The demo company's own servers, run by Vigia on 127.0.0.1 for as long as the demo exists. */
export const DEMO_SERVER_NAMES = ['web-a', 'web-b', 'front', 'mail', 'imap', 'dns'] as const;
export type DemoServerName = (typeof DEMO_SERVER_NAMES)[number];
export const DEMO_WEBS = ['web-a', 'web-b'] as const;
type DemoWeb = (typeof DEMO_WEBS)[number];

/** The zone the front's routing record lives in: `www.demo.invalid. CNAME web-a.demo.invalid.` (`.invalid`: never a real name). */
export const DEMO_ZONE = 'demo.invalid';
export const isDemoServerName = (name: string): name is DemoServerName => (DEMO_SERVER_NAMES as readonly string[]).includes(name);

interface Listening {
  close(): Promise<void>;
  port: number;
}

/**
 * One tenant's demo servers: two web servers answering with their name, a front proxy that forwards to one of them
 * (its upstream is a CNAME record it keeps, changed through a small PowerDNS-compatible API on the same port, so the
 * failover runbook's `dns.update` step moves it for real), an SMTP server that delivers into the IMAP server's inbox
 * (so a mail round trip works, and stopping `imap` makes it fail), and a DNS server answering the demo zone (its
 * `www` CNAME is the front's upstream).
 */
export class DemoServers {
  private readonly servers = new Map<DemoServerName, Listening>();
  readonly ports: Partial<Record<DemoServerName, number>> = {};
  upstream: DemoWeb = 'web-a';
  /** The IMAP server's inbox while it runs: where the SMTP server delivers. */
  private mailbox: DemoMailbox | undefined;

  constructor(
    private readonly apiKey: string,
    private readonly clock: Clock,
  ) {}

  isRunning(name: DemoServerName): boolean {
    return this.servers.has(name);
  }

  /** Starts `name` on 127.0.0.1, on `preferredPort` when it is free (after a restart), else on a free port. */
  async start(name: DemoServerName, preferredPort?: number): Promise<number> {
    const running = this.servers.get(name);
    if (running) return running.port;
    const listening = await this.listen(name, preferredPort).catch(() => this.listen(name, 0));
    this.servers.set(name, listening);
    this.ports[name] = listening.port;
    return listening.port;
  }

  async stop(name: DemoServerName): Promise<void> {
    const running = this.servers.get(name);
    if (!running) return;
    this.servers.delete(name);
    if (name === 'imap') this.mailbox = undefined;
    await running.close();
  }

  async stopAll(): Promise<void> {
    await Promise.all(DEMO_SERVER_NAMES.map((name) => this.stop(name)));
  }

  private listen(name: DemoServerName, port = 0): Promise<Listening> {
    if (name === 'mail') return listenSmtp(port, (raw) => this.mailbox?.deliver(raw));
    if (name === 'imap') {
      return listenImap(port, () => this.clock.now()).then((server) => {
        this.mailbox = server.mailbox;
        return server;
      });
    }
    if (name === 'dns') return listenDns(port, DEMO_ZONE, (host) => (host === 'www' ? { cname: `${this.upstream}.${DEMO_ZONE}` } : (DEMO_SERVER_NAMES as readonly string[]).includes(host) ? { a: '127.0.0.1' } : undefined));
    const handler = name === 'front' ? (req: IncomingMessage, res: ServerResponse) => this.front(req, res) : web(name);
    return listenHttp(createServer(handler), port);
  }

  private front(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.startsWith('/api/v1/')) return void this.admin(req, res);
    const port = this.ports[this.upstream];
    const upstream = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: { ...req.headers, 'x-forwarded-by': 'vigia-demo-front' }, timeout: 2000 }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-demo-upstream': this.upstream });
      answer.pipe(res);
    });
    const fail = (why: string) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain', 'x-demo-upstream': this.upstream }).end(`front: upstream ${this.upstream} ${why}\n`);
    };
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', (error) => fail(`is not answering (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    if (!port || !this.isRunning(this.upstream)) {
      upstream.destroy();
      return;
    }
    req.pipe(upstream);
  }

  /**
   * The front's admin API, the part of PowerDNS's HTTP API a `dns_record` resource uses: `PATCH
   * /api/v1/servers/localhost/zones/demo.invalid.` with `rrsets: [{name: "www.demo.invalid.", type: "CNAME",
   * changetype: "REPLACE", records: [{content: "web-b.demo.invalid."}]}]` points the front at web-b; GET answers the
   * record. X-API-Key required.
   */
  private async admin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers['x-api-key'] !== this.apiKey) return json(401, { error: 'Unauthorized' });
    const match = /^\/api\/v1\/servers\/localhost\/zones\/([^/?]+)$/.exec(req.url ?? '');
    if (!match || decodeURIComponent(match[1]!).replace(/\.$/, '') !== DEMO_ZONE) return json(404, { error: 'Not Found' });
    const record = { name: `www.${DEMO_ZONE}.`, type: 'CNAME', ttl: 60, records: [{ content: `${this.upstream}.${DEMO_ZONE}.`, disabled: false }] };
    if (req.method === 'GET') return json(200, { name: `${DEMO_ZONE}.`, rrsets: [record] });
    if (req.method !== 'PATCH') return json(405, { error: 'Method Not Allowed' });
    let body = '';
    for await (const chunk of req) body += String(chunk);
    try {
      const { rrsets } = JSON.parse(body) as { rrsets: { name: string; type: string; changetype: string; records: { content: string }[] }[] };
      for (const set of rrsets) {
        if (set.name.replace(/\.$/, '') !== `www.${DEMO_ZONE}` || set.type !== 'CNAME' || set.changetype !== 'REPLACE') {
          return json(422, { error: `only www.${DEMO_ZONE}. CNAME REPLACE is served here` });
        }
        const target = set.records[0]?.content.replace(/\.+$/, '').replace(`.${DEMO_ZONE}`, '');
        if (!target || !(DEMO_WEBS as readonly string[]).includes(target)) return json(422, { error: `unknown upstream ${set.records[0]?.content}` });
        this.upstream = target as DemoWeb;
      }
      res.writeHead(204).end();
    } catch {
      json(400, { error: 'Bad Request' });
    }
  }
}

function web(name: string) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-demo-server': name }).end(`${name}: hello from the Vigia demo shop\n`);
  };
}

function listenHttp(server: Server, port: number): Promise<Listening> {
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        // A stopped server refuses at once: open connections are cut, not left to finish.
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          for (const socket of sockets) socket.destroy();
        }),
      });
    });
  });
}

/** The demo mailbox's login, for the SMTP submission and IMAP of the mail round trip (loopback only, no TLS). */
export const DEMO_MAIL_LOGIN = { username: 'demo', password: 'demo' } as const;

function listenSmtp(port: number, deliver: (raw: Buffer) => void): Promise<Listening> {
  const server = new SMTPServer({
    banner: 'Vigia demo mail server',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    size: 256 * 1024,
    onAuth(auth, _session, callback) {
      const ok = auth.username === DEMO_MAIL_LOGIN.username && auth.password === DEMO_MAIL_LOGIN.password;
      callback(ok ? null : new Error('535 wrong demo login (demo / demo)'), ok ? { user: auth.username } : undefined);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Accepted either way; delivered only while the IMAP server runs (a stopped one loses mail, as a dead mailbox host would).
      stream.on('end', () => {
        deliver(Buffer.concat(chunks));
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve({
        port: (server.server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
