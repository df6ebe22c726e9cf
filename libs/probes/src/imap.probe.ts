import { ImapFlow } from 'imapflow';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { address, text, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { mailServer } from './probe-fields.js';
import { bool, formatMs, libraryTimeoutMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';
import { openSocket, readUntil } from './tcp.probe.js';

/** Options shared by the IMAP and mail round-trip probes: imapflow, the maintained IMAP client of the nodemailer authors. */
/** The IMAP port a config means: its own, else 993 with TLS from the start, else 143. */
export function imapPort(config: Record<string, unknown>): number {
  return num(config, 'port') ?? ((bool(config, 'tls') ?? false) ? 993 : 143);
}

export function imapClient(host: string, address: string, port: number | undefined, config: Record<string, unknown>, timeoutMs: number): ImapFlow {
  const tls = bool(config, 'tls') ?? false;
  const user = str(config, 'username');
  return new ImapFlow({
    // The judged address; the name stays the TLS server name.
    host: address,
    port: port ?? (tls ? 993 : 143),
    secure: tls,
    doSTARTTLS: bool(config, 'starttls'),
    auth: user ? { user, pass: str(config, 'password') ?? '' } : undefined,
    tls: { rejectUnauthorized: bool(config, 'tlsVerify') ?? true, servername: host },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableAutoIdle: true,
  });
}

/** IMAP: greeting, optional STARTTLS and login, and that the mailbox exists (STATUS). */
export class ImapProbe implements Probe<ImapConfig> {
  readonly type = 'imap' as const;

  async check(target: ProbeTarget<ImapConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    // imapflow insists on credentials; without them the check is the greeting, read off the socket.
    if (!str(target.config, 'username')) return greetingOnly(host, target, signal, egress);
    const { address } = await egress.resolve(host, imapPort(target.config));
    // The library's timers are a backstop: the runner's deadline decides, and its abort logs out.
    const client = imapClient(host, address, num(target.config, 'port'), target.config, libraryTimeoutMs(target.timeoutMs));
    const port = (client as unknown as { options: { port: number } }).options.port;
    const abort = (): void => client.close();
    signal.addEventListener('abort', abort, { once: true });
    client.on('error', () => undefined);
    const started = performance.now();
    try {
      await client.connect();
      const steps = [`greeting ${JSON.stringify((client.greeting ?? '').slice(0, 60))}`];
      if (client.secureConnection) steps.push('TLS');
      if (client.authenticated) {
        steps.push('login ok');
        const mailbox = str(target.config, 'mailbox') ?? 'INBOX';
        const status = await client.status(mailbox, { messages: true });
        if (!status) return { status: 'down', reason: `IMAP ${host}:${port} ${steps.join(', ')}, but mailbox ${mailbox} does not exist` };
        steps.push(`${mailbox} has ${status.messages ?? 0} messages`);
      }
      const latencyMs = performance.now() - started;
      await client.logout().catch(() => undefined);
      return { status: 'up', reason: `IMAP ${host}:${port} ${steps.join(', ')} in ${formatMs(latencyMs)}`, latencyMs };
    } catch (error) {
      const detail = (error as { responseText?: string }).responseText ?? (error as Error).message;
      return { status: 'down', reason: `IMAP ${host}:${port}: ${detail}` };
    } finally {
      signal.removeEventListener('abort', abort);
      client.close();
    }
  }
}

async function greetingOnly(host: string, target: ProbeTarget, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
  const tls = bool(target.config, 'tls') ?? false;
  const port = num(target.config, 'port') ?? (tls ? 993 : 143);
  const started = performance.now();
  const { address } = await egress.resolve(host, port);
  const socket = tls
    ? await new Promise<Socket>((resolve, reject) => {
        const s = tlsConnect({ host: address, port, servername: host, rejectUnauthorized: bool(target.config, 'tlsVerify') ?? true }, () => resolve(s));
        s.once('error', reject);
        signal.addEventListener('abort', () => s.destroy(), { once: true });
      })
    : await openSocket(address, port, signal, egress);
  try {
    const greeting = (await readUntil(socket, (text) => text.includes('\r\n'), signal)).split('\r\n')[0] ?? '';
    const latencyMs = performance.now() - started;
    if (!/^\* (OK|PREAUTH)/i.test(greeting)) return { status: 'down', reason: `IMAP ${host}:${port} greeted ${JSON.stringify(greeting.slice(0, 80))}`, latencyMs };
    socket.write('a1 LOGOUT\r\n');
    return { status: 'up', reason: `IMAP ${host}:${port} greeting ${JSON.stringify(greeting.slice(0, 60))} in ${formatMs(latencyMs)}`, latencyMs };
  } finally {
    socket.destroy();
  }
}

/** What a imap monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const imapConfig = {
  host: address().optional(),
  ...mailServer(),
  mailbox: text().optional(),
};

export type ImapConfig = SettingsOf<typeof imapConfig>;

export const imapProbeKind = defineProbe({
  type: 'imap',
  description: 'An IMAP session: greeting, optional STARTTLS/TLS, login and mailbox',
  config: imapConfig,
  createRunner: () => new ImapProbe(),
});
