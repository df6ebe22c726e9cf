import { connect, type Socket } from 'node:net';
import { address, compileUserPattern, port, text, userRegex, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { formatMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';

/** TCP connect (layer 4), with optional payload and a banner/answer expectation. */
export class TcpProbe implements Probe<TcpConfig> {
  readonly type = 'tcp' as const;

  async check(target: ProbeTarget<TcpConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    const port = num(target.config, 'port')!;
    const send = str(target.config, 'send');
    const expect = str(target.config, 'expect');
    const banner = str(target.config, 'bannerRegex');
    const started = performance.now();
    const socket = await openSocket(host, port, signal, egress);
    const connectMs = performance.now() - started;
    try {
      if (!send && expect === undefined && banner === undefined) {
        return { status: 'up', reason: `TCP ${host}:${port} accepted in ${formatMs(connectMs)}`, latencyMs: connectMs };
      }
      if (send) socket.write(send.replace(/\\r\\n/g, '\r\n'));
      const pattern = banner !== undefined ? compileUserPattern(banner) : undefined;
      const text = await readUntil(socket, (seen) => (pattern ? pattern.test(seen) : seen.includes(expect!)), signal);
      const latencyMs = performance.now() - started;
      const firstLine = text.split(/\r?\n/)[0]?.slice(0, 120) ?? '';
      const matched = pattern ? pattern.test(text) : text.includes(expect!);
      if (!matched) {
        return { status: 'down', reason: `TCP ${host}:${port} answered ${JSON.stringify(firstLine)}, expected ${pattern ? `/${banner}/` : JSON.stringify(expect)}`, latencyMs };
      }
      return { status: 'up', reason: `TCP ${host}:${port} answered ${JSON.stringify(firstLine)} in ${formatMs(latencyMs)}`, latencyMs };
    } finally {
      socket.destroy();
    }
  }
}

/** Connects to `host` (resolved and judged by the egress policy: the socket goes to the judged address). */
export async function openSocket(host: string, port: number, signal: AbortSignal, egress: EgressGuard): Promise<Socket> {
  const { address } = await egress.resolve(host, port);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, signal });
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/** Reads until `done(text)` holds, the peer closes, or the signal aborts; returns what was read. */
export function readUntil(socket: Socket, done: (text: string) => boolean, signal: AbortSignal, maxBytes = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (): void => {
      socket.off('data', onData);
      resolve(text);
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (done(text) || text.length >= maxBytes) finish();
    };
    socket.on('data', onData);
    socket.once('end', finish);
    socket.once('close', finish);
    socket.once('error', reject);
    signal.addEventListener('abort', () => reject(new Error(`no answer; read so far ${JSON.stringify(text.slice(0, 80))}`)), { once: true });
  });
}

/** What a tcp monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const tcpConfig = {
  host: address().optional(),
  port: port(),
  send: text().optional(),
  expect: text().optional(),
  bannerRegex: userRegex().optional(),
};

export type TcpConfig = SettingsOf<typeof tcpConfig>;

export const tcpProbeKind = defineProbe({
  type: 'tcp',
  description: 'A TCP connection (layer 4), optionally sending a payload and expecting a banner or answer',
  config: tcpConfig,
  createRunner: () => new TcpProbe(),
});
