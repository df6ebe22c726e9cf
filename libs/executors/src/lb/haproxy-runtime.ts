import { connect, type Socket } from 'node:net';
import type { EgressGuard } from '#lib/egress';

/**
 * HAProxy's runtime API (the "stats socket" at `level admin`): one command per connection, the answer is everything
 * until HAProxy closes it. Addresses: `tcp://host:port` or `unix:/run/haproxy/admin.sock`.
 */
export async function haproxyCommand(address: string, command: string, timeoutMs: number, egress: EgressGuard): Promise<string> {
  if (/[\r\n;]/.test(command)) throw new Error('a runtime API command is one line without ";"');
  const socket = await openSocket(address, egress);
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`HAProxy runtime API at ${address} did not answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(answer.trim());
    });
  });
}

/** A tenant's pool is reached over TCP at an address the egress policy allows; a Unix socket would be Vigia's own machine. */
async function openSocket(address: string, egress: EgressGuard): Promise<Socket> {
  if (address.startsWith('unix:')) egress.refuseUnixSocket(address.slice('unix:'.length));
  const url = new URL(address);
  if (url.protocol !== 'tcp:' || !url.port) throw new Error(`runtime API address must be tcp://host:port, got ${address}`);
  const resolved = await egress.resolve(url.hostname);
  return connect({ host: resolved.address, port: Number(url.port) });
}

/** HAProxy answers an accepted `set server` with an empty line; anything else is its error text. */
export function haproxyAccepted(answer: string): boolean {
  return answer === '';
}

export interface HaproxyServerState {
  backend: string;
  server: string;
  /** srv_admin_state bit 0x01/0x04: forced or inherited maintenance. */
  maintenance: boolean;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  operational: number;
  weight: number;
}

/** Parses `show servers state <backend>` (format version 1). */
export function parseServersState(answer: string): HaproxyServerState[] {
  const lines = answer.split('\n').filter((line) => line && !line.startsWith('#') && !/^\d+$/.test(line.trim()));
  return lines.map((line) => {
    const f = line.trim().split(/\s+/);
    return { backend: f[1]!, server: f[3]!, operational: Number(f[5]), maintenance: (Number(f[6]) & 0x05) !== 0, weight: Number(f[7]) };
  });
}
