import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { address, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { mailServer } from './probe-fields.js';
import { bool, formatMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';

/**
 * POP3: greeting, optional STLS and USER/PASS login, STAT. Written here because no maintained Node POP3 client
 * supports STLS (node-pop3 does implicit TLS only); POP3 is four commands of `+OK`/`-ERR` lines (RFC 1939, 2595).
 */
export class Pop3Probe implements Probe<Pop3Config> {
  readonly type = 'pop3' as const;

  async check(target: ProbeTarget<Pop3Config>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    const tls = bool(target.config, 'tls') ?? false;
    const port = num(target.config, 'port') ?? (tls ? 995 : 110);
    const verify = bool(target.config, 'tlsVerify') ?? true;
    const started = performance.now();
    const { address } = await egress.resolve(host, port);
    let lines = new LineReader(await open(host, address, port, tls, verify, signal));
    const steps: string[] = [];
    try {
      steps.push(`greeting ${JSON.stringify(expectOk(await lines.next(), 'greeting').slice(0, 60))}`);
      if (tls) steps.push('TLS');
      if (bool(target.config, 'starttls')) {
        expectOk(await lines.command('STLS'), 'STLS');
        lines = new LineReader(await upgrade(lines.socket, host, verify));
        steps.push('STLS');
      }
      const user = str(target.config, 'username');
      if (user) {
        expectOk(await lines.command(`USER ${user}`), 'USER');
        expectOk(await lines.command(`PASS ${str(target.config, 'password') ?? ''}`), 'login');
        const stat = expectOk(await lines.command('STAT'), 'STAT');
        steps.push(`login ok, ${stat.split(' ')[0] ?? '?'} messages`);
      }
      lines.socket.write('QUIT\r\n');
      const latencyMs = performance.now() - started;
      return { status: 'up', reason: `POP3 ${host}:${port} ${steps.join(', ')} in ${formatMs(latencyMs)}`, latencyMs };
    } catch (error) {
      return { status: 'down', reason: `POP3 ${host}:${port} failed after ${steps.join(', ') || 'connect'}: ${(error as Error).message}` };
    } finally {
      lines.socket.destroy();
    }
  }
}

function expectOk(line: string, step: string): string {
  if (!line.startsWith('+OK')) throw new Error(`${step} answered ${JSON.stringify(line.slice(0, 120))}`);
  return line.slice(3).trim();
}

function open(host: string, address: string, port: number, tls: boolean, verify: boolean, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls
      ? tlsConnect({ host: address, port, servername: host, rejectUnauthorized: verify, signal } as never, () => resolve(socket))
        : netConnect({ host: address, port, signal }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function upgrade(socket: Socket, host: string, verify: boolean): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    socket.removeAllListeners('data');
    const secure = tlsConnect({ socket, servername: host, rejectUnauthorized: verify }, () => resolve(secure));
    secure.once('error', reject);
  });
}

/** Reads CRLF-terminated lines, one answer per command. */
class LineReader {
  private buffer = '';
  private waiting?: (line: string) => void;
  private failed?: Error;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.deliver();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.waiting = resolve;
      this.deliver();
      if (this.waiting === resolve) this.onFail = reject;
    });
  }

  command(text: string): Promise<string> {
    this.socket.write(`${text}\r\n`);
    return this.next();
  }

  private onFail?: (error: Error) => void;

  private deliver(): void {
    const end = this.buffer.indexOf('\r\n');
    if (end < 0 || !this.waiting) return;
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + 2);
    const resolve = this.waiting;
    this.waiting = undefined;
    this.onFail = undefined;
    resolve(line);
  }

  private fail(error: Error): void {
    this.failed ??= error;
    this.onFail?.(error);
  }
}

/** What a pop3 monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const pop3Config = {
  host: address().optional(),
  ...mailServer(),
};

export type Pop3Config = SettingsOf<typeof pop3Config>;

export const pop3ProbeKind = defineProbe({
  type: 'pop3',
  description: 'A POP3 session: greeting, optional STLS/TLS and login',
  config: pop3Config,
  createRunner: () => new Pop3Probe(),
});
