import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { HTTPParser } from 'http-parser-js';
import { pinnedLookup, type ResolvedAddress } from '#lib/egress';

/** Body bytes kept for the assertions (the rest is read and dropped, as a browser's download would be). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Node's own client refuses response heads above 16 KiB; so does this one. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Bytes that are not body (head, chunk sizes, trailers) a response may carry before it is refused. */
const MAX_FRAMING_BYTES = 1024 * 1024;
/** Methods whose empty body Node's client announces with `Content-Length: 0` (it sends them chunked by default). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** RFC 9110 token (a header name) and a field value without CR, LF or NUL: Node's client checks the same. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export interface HttpRequestSpec {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The address the egress policy judged: the connection goes there, with no second resolution. */
  resolved: ResolvedAddress;
  tls?: { verify: boolean };
}

export interface HttpResponse {
  statusCode: number;
  /** Response headers by lower-case name, the first of each kept (as Node keeps `location`). */
  headers: Record<string, string>;
  body: string;
  certValidTo?: Date;
}

/**
 * One HTTP/1.1 request on a fresh connection, closed once answered: what a new visitor's browser does. The response
 * is read by http-parser-js (the pure-JS drop-in for Node's own parser; see docs/libraries.md). Node's `http.request`
 * did the same for about 55–70 µs more CPU per check (its ClientRequest, IncomingMessage and stream machinery; a
 * third of a watchdog's busy time at 6,000 monitors × 3 vantages), which is most of what separates a probe from
 * the machine's floor (`npm run bench:probe-floor`). What goes on the wire is what Node's client wrote: the same
 * request line and header order, `Connection: close`, TCP_NODELAY, Host without the scheme's default port.
 */
export function httpExchange(spec: HttpRequestSpec, signal: AbortSignal): Promise<HttpResponse> {
  const head = requestHead(spec);
  return new Promise<HttpResponse>((resolve, reject) => {
    const host = bare(spec.url.hostname);
    const port = Number(spec.url.port) || (spec.tls ? 443 : 80);
    const lookup = pinnedLookup(spec.resolved);
    const socket: Socket = spec.tls
      ? tlsConnect({ host, port, lookup, servername: isIP(host) ? undefined : host, rejectUnauthorized: spec.tls.verify })
      : netConnect({ host, port, lookup, noDelay: true });
    if (spec.tls) socket.setNoDelay(true);
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    parser.maxHeaderSize = MAX_HEAD_BYTES;
    let statusCode = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    let bodyBytes = 0;
    let settled = false;

    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // The certificate is read while the session is open (a destroyed socket has none).
      const certValidTo = !error && spec.tls ? validTo(socket as TLSSocket) : undefined;
      socket.destroy();
      if (error) return reject(error);
      resolve({ statusCode, headers, body: Buffer.concat(chunks).toString('utf8'), certValidTo });
    };
    const onAbort = (): void => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));

    parser[HTTPParser.kOnHeadersComplete] = (...args: unknown[]): number => {
      // http-parser-js passes one info object, or its fields one by one once anything in the process has read
      // HTTPParser.kOnExecute (its compatibility switch is global).
      const info = (typeof args[0] === 'object' ? args[0] : { headers: args[2], statusCode: args[5] }) as { headers: string[]; statusCode: number };
      statusCode = info.statusCode;
      headers = headerMap(info.headers);
      // No body follows a HEAD, an interim 1xx, a 204 or a 304, whatever the head says (Node's client knows the same).
      const bodiless = spec.method === 'HEAD' || statusCode < 200 || statusCode === 204 || statusCode === 304;
      return bodiless ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number): void => {
      bodyBytes += length;
      if (kept >= MAX_BODY_BYTES) return;
      const part = chunk.subarray(offset, offset + Math.min(length, MAX_BODY_BYTES - kept));
      kept += part.length;
      chunks.push(part);
    };
    parser[HTTPParser.kOnMessageComplete] = (): void => {
      // An interim answer (100 Continue, 103 Early Hints) is followed by the real one on the same connection.
      if (statusCode >= 100 && statusCode < 200 && statusCode !== 101) {
        chunks.length = 0;
        kept = 0;
        return;
      }
      finish(undefined);
    };

    socket.on('data', (data: Buffer) => {
      received += data.length;
      const parsed = parser.execute(data);
      if (parsed instanceof Error) return finish(notHttp(parsed));
      if (received - bodyBytes > MAX_FRAMING_BYTES) finish(new Error(`the response's head, chunk sizes and trailers exceed ${MAX_FRAMING_BYTES} bytes`));
    });
    socket.on('end', () => {
      // A body without a length ends with the connection; anything else cut short is a hang-up, as Node says it.
      const ended = parser.finish();
      if (ended instanceof Error || !settled) finish(hangUp(statusCode));
    });
    // Every exchange ends in a close: an Error (and its stack) is built only when nothing settled it before.
    socket.on('close', () => settled || finish(hangUp(statusCode)));
    socket.on('error', (error: Error) => finish(error));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.write(spec.body === undefined ? head : head + spec.body);
  });
}

/** The request line and headers, in the order Node's client writes them. Names and values are checked again here. */
export function requestHead(spec: Pick<HttpRequestSpec, 'url' | 'method' | 'headers' | 'body'>): string {
  const method = spec.method.toUpperCase();
  if (!TOKEN.test(method)) throw new Error(`the method ${JSON.stringify(spec.method)} is not an HTTP token`);
  let head = `${method} ${spec.url.pathname}${spec.url.search} HTTP/1.1\r\n`;
  const named = new Set<string>();
  for (const [name, value] of Object.entries(spec.headers)) {
    if (!TOKEN.test(name)) throw new Error(`the header name ${JSON.stringify(name)} is not an HTTP token`);
    if (INVALID_VALUE.test(value)) throw new Error(`the header ${name}'s value has a character a header may not carry (CR, LF, NUL or a control)`);
    named.add(name.toLowerCase());
    head += `${name}: ${value}\r\n`;
  }
  if (!named.has('host')) head += `Host: ${spec.url.host}\r\n`;
  // Credentials in the URL (http://user:pass@host/) become Basic authorization unless a header gives one: Node's rule.
  if ((spec.url.username || spec.url.password) && !named.has('authorization')) {
    const auth = `${decodeURIComponent(spec.url.username)}:${decodeURIComponent(spec.url.password)}`;
    head += `Authorization: Basic ${Buffer.from(auth).toString('base64')}\r\n`;
  }
  if (!named.has('connection')) head += 'Connection: close\r\n';
  const length = spec.body === undefined ? 0 : Buffer.byteLength(spec.body);
  if (!named.has('content-length') && !named.has('transfer-encoding') && (length > 0 || BODY_METHODS.has(method))) head += `Content-Length: ${length}\r\n`;
  return `${head}\r\n`;
}

function headerMap(flat: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    if (!(name in map)) map[name] = flat[i + 1]!;
  }
  return map;
}

function validTo(socket: TLSSocket): Date | undefined {
  const cert = socket.getPeerCertificate();
  return cert?.valid_to ? new Date(cert.valid_to) : undefined;
}

/** `[::1]` → `::1`: the URL's IPv6 literal without its brackets, as a socket wants it. */
function bare(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

function hangUp(statusCode: number): Error {
  const error = new Error(statusCode ? 'the connection closed before the response ended' : 'socket hang up') as Error & { code: string };
  error.code = 'ECONNRESET';
  return error;
}

function notHttp(error: Error): Error {
  const code = (error as { code?: string }).code;
  return new Error(`the answer is not a valid HTTP response (${code ? `${code}: ` : ''}${error.message})`);
}
