import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received. */
export interface Hit {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** A held request: when the client gave up on it (closed the connection) before an answer. */
  closedAt?: number;
}

/**
 * The `X-Vigia-Signature` a webhook request must carry, computed here from the secret the test gave (not by Vigia's
 * signer): `sha256=` HMAC-SHA-256 of `<X-Vigia-Timestamp>.<body>`.
 */
export function expectedSignature(secret: string, hit: Hit): string {
  return `sha256=${createHmac('sha256', secret).update(`${String(hit.headers['x-vigia-timestamp'])}.${hit.body}`).digest('hex')}`;
}

/** What to answer: a status, body and headers (200 "ok" by default), or hold the response open (`release()` ends it). */
export type Reply = { status?: number; body?: string; headers?: Record<string, string> } | 'hold';

/**
 * The one recording stand-in server of the tests (a provider API, a webhook receiver, a web target): it records
 * every request, answers what `reply` says, and can hold answers open to stand for a hanging peer. Listens on
 * loopback only.
 */
export class RecordingServer {
  hits: Hit[] = [];
  url = '';
  port = 0;
  private server?: Server;
  private readonly held: ServerResponse[] = [];

  constructor(private readonly reply: (hit: Hit) => Reply | undefined = () => undefined) {}

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const hit: Hit = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, at: Date.now() };
        this.hits.push(hit);
        const answer = this.reply(hit) ?? {};
        if (answer === 'hold') {
          res.on('close', () => {
            if (!res.writableEnded) hit.closedAt = Date.now();
          });
          return void this.held.push(res);
        }
        res.writeHead(answer.status ?? 200, answer.headers).end(answer.body ?? 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host}:${this.port}`;
    return this;
  }

  /** How many requests were `METHOD /path` (exact path, query included). */
  count(methodAndPath: string): number {
    return this.hits.filter((h) => `${h.method} ${h.path}` === methodAndPath).length;
  }

  /** Ends every held response with `status`. */
  release(status = 200, body = 'ok'): void {
    for (const res of this.held.splice(0)) if (!res.writableEnded) res.writeHead(status).end(body);
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
