import { connect } from 'node:net';
import type { EgressGuard } from '#lib/egress';

/**
 * Does anything accept a TCP connection on host:port within `timeoutMs`? The first-contact check for a member that
 * must be fenced when it returns: cheap enough to try every second, judged by the tenant's egress policy first.
 */
export async function tcpAnswers(egress: EgressGuard, host: string, port: number, timeoutMs: number): Promise<boolean> {
  let address: string;
  try {
    address = (await egress.resolve(host)).address;
  } catch {
    return false;
  }
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
