import { type ClientRequestArgs, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { compileUserPattern, flag, headers, httpUrl, intList, oneOf, refined, text, userRegex, type SettingsOf } from '#lib/common';
import { EgressRefusedError, type EgressGuard, pinnedLookup, urlPort } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { count } from './probe-fields.js';
import { bool, formatMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str } from './probe.js';
import { readJsonPath } from './json-path.js';

const MAX_BODY_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

interface Exchange {
  response: IncomingMessage;
  body: string;
  url: URL;
  peer: string;
  certValidTo?: Date;
}

/**
 * HTTP(S) check: status set, body substring/regex, JSON path, latency ceiling, redirect policy, certificate expiry.
 * Every request uses a fresh connection (no keep-alive agent): a probe must see what a new visitor sees.
 */
export class HttpProbe implements Probe<HttpConfig> {
  readonly type = 'http' as const;

  async check(target: ProbeTarget<HttpConfig>, signal: AbortSignal, egress: EgressGuard, now: number): Promise<ProbeVerdict> {
    const config = target.config;
    const started = performance.now();
    const followRedirects = bool(config, 'followRedirects') ?? true;
    const maxRedirects = num(config, 'maxRedirects') ?? 5;
    let url = new URL(str(config, 'url')!);
    let exchange = await this.fetch(url, target, signal, egress);
    for (let hops = 0; followRedirects && isRedirect(exchange.response.statusCode) && exchange.response.headers.location; hops++) {
      if (hops >= maxRedirects) return { status: 'down', reason: `more than ${maxRedirects} redirects, last to ${exchange.response.headers.location}` };
      url = new URL(exchange.response.headers.location, url);
      // Every hop is judged again: a redirect to 127.0.0.1 is refused like a URL to it — and it is the target's doing
      // (a visitor's browser would fail there too), not a setting: a refusal here is the target's failure.
      exchange = await this.fetch(url, target, signal, egress).catch((error: unknown) => {
        throw error instanceof EgressRefusedError && error.configured ? new EgressRefusedError(error.message, false) : error;
      });
    }
    const latencyMs = performance.now() - started;
    const code = exchange.response.statusCode ?? 0;
    const seen = `HTTP ${code} from ${exchange.peer} in ${formatMs(latencyMs)}`;
    const details = { status: code, url: exchange.url.toString(), certValidTo: exchange.certValidTo?.toISOString() };
    const failure = this.assertions(config, code, exchange.body, followRedirects);
    if (failure) return { status: 'down', reason: `${seen}: ${failure}`, latencyMs, details };
    const warning = this.warnings(config, now, latencyMs, exchange.certValidTo);
    if (warning) return { status: 'degraded', reason: `${seen}: ${warning}`, latencyMs, details };
    return { status: 'up', reason: seen, latencyMs, details };
  }

  private assertions(config: Record<string, unknown>, code: number, body: string, followRedirects: boolean): string | undefined {
    const expected = (config.expectedStatus as number[] | undefined) ?? undefined;
    const okStatus = expected ? expected.includes(code) : code >= 200 && code < (followRedirects ? 300 : 400);
    if (!okStatus) return `expected status ${expected ? expected.join('/') : followRedirects ? '2xx' : '2xx/3xx'}`;
    const contains = str(config, 'bodyContains');
    if (contains !== undefined && !body.includes(contains)) return `body does not contain ${JSON.stringify(contains)}`;
    const regex = str(config, 'bodyRegex');
    if (regex !== undefined && !compileUserPattern(regex).test(body)) return `body does not match /${regex}/`;
    const path = str(config, 'jsonPath');
    if (path !== undefined) {
      let value: unknown;
      try {
        value = readJsonPath(JSON.parse(body), path);
      } catch {
        return 'body is not JSON';
      }
      const wanted = str(config, 'jsonEquals');
      const actual = typeof value === 'string' ? value : JSON.stringify(value);
      if (value === undefined) return `JSON has nothing at ${path}`;
      if (wanted !== undefined && actual !== wanted) return `JSON ${path} is ${actual}, expected ${wanted}`;
    }
    return undefined;
  }

  private warnings(config: Record<string, unknown>, now: number, latencyMs: number, certValidTo?: Date): string | undefined {
    const maxLatency = num(config, 'maxLatencyMs');
    if (maxLatency !== undefined && latencyMs > maxLatency) return `slower than ${formatMs(maxLatency)}`;
    const warnDays = num(config, 'certExpiryWarnDays') ?? 14;
    if (certValidTo) {
      const days = (certValidTo.getTime() - now) / DAY_MS;
      if (days < warnDays) return `TLS certificate expires in ${Math.max(0, days).toFixed(1)} days (${certValidTo.toISOString().slice(0, 10)})`;
    }
    return undefined;
  }

  private async fetch(url: URL, target: ProbeTarget, signal: AbortSignal, egress: EgressGuard): Promise<Exchange> {
    const resolved = await egress.resolve(url.hostname, urlPort(url));
    const config = target.config;
    const body = str(config, 'body');
    const secure = url.protocol === 'https:';
    const common = {
      method: str(config, 'method') ?? 'GET',
      headers: { 'user-agent': 'Vigia-probe/1', ...(config.headers as Record<string, string> | undefined) },
      // The socket goes to the address the policy judged (no second resolution); Host and SNI stay the URL's.
      lookup: pinnedLookup(resolved),
    };
    const options: RequestOptions = secure
      ? { ...common, agent: false, rejectUnauthorized: bool(config, 'tlsVerify') ?? true, servername: url.hostname }
      : { ...common, defaultPort: 80, createConnection: freshConnection };
    return new Promise<Exchange>((resolve, reject) => {
      // The runner's deadline destroys the request and its socket. A listener of our own, removed when the exchange
      // settles: `signal` in the options tied it to the request through Node's stream plumbing (end-of-stream
      // listeners on the request), ~3 % of a watchdog's CPU for an abort that almost never comes.
      const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const settled = () => signal.removeEventListener('abort', onAbort);
      const req = (secure ? httpsRequest : httpRequest)(url, options, (response) => {
        const socket = response.socket as TLSSocket;
        // The address the socket was pinned to (the egress policy's), not `socket.remoteAddress`: the same address,
        // without a getpeername system call per probe (1.7 % of an agent's CPU at 6,000 monitors × 3 vantages).
        const peer = resolved.address;
        const cert = secure ? socket.getPeerCertificate() : undefined;
        const certValidTo = cert?.valid_to ? new Date(cert.valid_to) : undefined;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        response.on('end', () => {
          settled();
          resolve({ response, body: Buffer.concat(chunks).toString('utf8'), url, peer, certValidTo });
        });
        response.on('error', (error) => {
          settled();
          reject(error);
        });
      });
      req.on('error', (error) => {
        settled();
        reject(error);
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  }
}

/**
 * Plain HTTP's socket, made without an Agent: `agent: false` built a new Agent per request (its maps, listeners and
 * bookkeeping: about 5 % of a watchdog's CPU at 500 probes/s) to open the same one connection. What goes on the wire
 * is what that Agent made: a fresh connection, TCP_NODELAY (the Agent's default), `Connection: close`, and a Host
 * header without the port when it is 80 (`defaultPort` above, the Agent's). TLS keeps its Agent (SNI, sessions).
 */
function freshConnection(options: ClientRequestArgs): Socket {
  // ClientRequest hands over its own options with host and port filled in (the port from the URL, or 80); of them a
  // TCP connect reads these (no local address, family or timeout is ever set here).
  return netConnect({ host: options.host!, port: Number(options.port), lookup: options.lookup, noDelay: true });
}

function isRedirect(code: number | undefined): boolean {
  return code === 301 || code === 302 || code === 303 || code === 307 || code === 308;
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** HTTP headers that carry credentials: sealed at rest like a password. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;
// A CR or LF in a header value would be a second header line (request splitting); NUL is never valid.
/** What a http monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const httpConfig = {
  url: httpUrl(),
  method: oneOf(HTTP_METHODS, { ignoreCase: true }).optional(),
  headers: refined(headers(SECRET_HEADER), (h) => (Object.values(h).every((v) => !/[\r\n\0]/.test(v) && v.length <= 4096) ? undefined : 'header values may not contain CR, LF or NUL (at most 4096 characters)')).optional(),
  body: text().optional(),
  expectedStatus: refined(intList(), (v) => (v.length >= 1 && v.length <= 20 && v.every((c) => c >= 100 && c <= 599) ? undefined : 'must list 1 to 20 HTTP status codes from 100 to 599')).optional(),
  bodyContains: text().optional(),
  bodyRegex: userRegex().optional(),
  jsonPath: text().optional(),
  jsonEquals: text().optional(),
  maxLatencyMs: count().optional(),
  followRedirects: flag().optional(),
  maxRedirects: count().max(20, { error: 'must be at most 20' }).optional(),
  tlsVerify: flag().optional(),
  certExpiryWarnDays: count().optional(),
};

export type HttpConfig = SettingsOf<typeof httpConfig>;

export const httpProbeKind = defineProbe({
  type: 'http',
  description: 'An HTTP(S) request: status, body text, regex or JSON path, latency, TLS certificate expiry',
  config: httpConfig,
  createRunner: () => new HttpProbe(),
});
