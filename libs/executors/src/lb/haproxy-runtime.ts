import { connect, type Socket } from 'node:net';

/**
 * HAProxy's runtime API (the "stats socket" at `level admin`): one command per connection, the answer is everything
 * until HAProxy closes it. Addresses: `tcp://host:port` or `unix:/run/haproxy/admin.sock`.
 */
export function haproxyCommand(address: string, command: string, timeoutMs: number): Promise<string> {
  if (/[\r\n;]/.test(command)) return Promise.reject(new Error('a runtime API command is one line without ";"'));
  return new Promise((resolve, reject) => {
    let socket: Socket;
    try {
      socket = openSocket(address);
    } catch (error) {
      return reject(error);
    }
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

function openSocket(address: string): Socket {
  if (address.startsWith('unix:')) return connect({ path: address.slice('unix:'.length) });
  const url = new URL(address);
  if (url.protocol !== 'tcp:' || !url.port) throw new Error(`runtime API address must be tcp://host:port or unix:/path, got ${address}`);
  return connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
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
