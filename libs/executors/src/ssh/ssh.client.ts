import { createHash } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';
import type { EgressGuard } from '#lib/egress';
import { type CommandResult, OutputCapture } from '../shell/local-command.js';

// ssh2 is CommonJS: its classes come through the default export under Node's ESM loader.
const { Client } = ssh2;
type SshClient = InstanceType<typeof Client>;

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  /** Pinned host key, OpenSSH fingerprint format `SHA256:…`. Required: an unpinned host is refused. */
  hostKey: string | null;
  /** Optional bastion: the connection to `host` is tunnelled through it (its own key, its own pinned host key). */
  jump?: SshTarget;
  /**
   * The egress policy of the tenant whose host this is: the first hop (the host, or its bastion) is resolved and
   * judged before connecting. A host reached through the tenant's bastion is inside the tenant's network: the
   * bastion, not Vigia, makes that connection.
   */
  egress: EgressGuard;
}

export type SshResult = CommandResult;

export interface SshExecOptions {
  signal?: AbortSignal;
  /** Sent on the command's stdin, then closed. */
  stdin?: string;
  /** Live output, as it arrives (the run's step output feed). */
  onData?: (stream: 'stdout' | 'stderr', text: string) => void;
  /**
   * A shorter bound on the TCP connect to the host (the first hop) than the command's timeout: a host that does not
   * even accept the connection is known to be unreachable within it (fencing a host already seen down), while one
   * that connects keeps the whole timeout for the handshake and the command. Direct connections only.
   */
  connectTimeoutMs?: number;
  /**
   * A session of its own, closed after the command: never the pooled one. A monitor's question is whether the host
   * accepts an SSH login *now*, and a kept session outlives the sshd that accepted it (`systemctl stop ssh` leaves
   * open sessions running): a login check on the pooled session stayed up for as long as it was probed.
   */
  fresh?: boolean;
}

export class SshHostKeyError extends Error {}

/** The fingerprint `ssh-keygen -lf` prints: SHA-256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function baseConfig(host: string, port: number, timeoutMs: number, keepalive = false): ConnectConfig {
  // A kept session pings its server every 2 s: one whose host died is closed (and leaves the pool) within ≈ 6 s,
  // instead of making the next command wait for its whole timeout.
  return { host, port, readyTimeout: timeoutMs, keepaliveInterval: keepalive ? 2000 : 0, keepaliveCountMax: 2, tryKeyboard: false };
}

/** The TCP connection alone, given up after `timeoutMs` (the SYN of a host that is gone is never answered). */
function openTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP connection to ${address}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Opens an authenticated session, refusing any host whose key is not the pinned one. */
async function connect(target: SshTarget, timeoutMs: number, sock?: Duplex, resolved?: string, keepalive = false, connectTimeoutMs?: number): Promise<SshClient> {
  if (!target.hostKey) throw new SshHostKeyError(`host key of ${target.host}:${target.port} is not pinned; pin it first`);
  const address = sock ? target.host : (resolved ?? (await target.egress.resolve(target.host)).address);
  if (!sock && connectTimeoutMs !== undefined && connectTimeoutMs < timeoutMs) sock = await openTcp(address, target.port, connectTimeoutMs);
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seenKey = '';
    client.on('error', (error) => {
      client.end();
      reject(seenKey && seenKey !== target.hostKey ? new SshHostKeyError(`host key of ${target.host}:${target.port} changed: ${seenKey}, pinned ${target.hostKey}`) : error);
    });
    client.on('ready', () => resolve(client));
    client.connect({
      ...baseConfig(address, target.port, timeoutMs, keepalive),
      ...(sock ? { sock } : {}),
      username: target.username,
      privateKey: target.privateKey,
      hostVerifier: (key: Buffer) => {
        seenKey = fingerprint(key);
        return seenKey === target.hostKey;
      },
    });
  });
}

/**
 * How long a direct session stays open after its last command, for the next command to the same host with the same
 * credentials and pinned key: a failover's steps and checks follow each other within seconds, and a new session
 * costs a key exchange (≈ 0.4 s here). OpenSSH's ControlPersist (Ansible keeps 60 s) does the same.
 */
const IDLE_MS = 10_000;

interface Pooled {
  client: SshClient;
  users: number;
  idle?: NodeJS.Timeout;
  /** Out of the pool (a command on it timed out): ended when the last command still on it finishes. */
  retired?: boolean;
}

/** Open direct sessions by host address, port, user, credentials and pinned key: a changed pin never reuses one. */
const sessions = new Map<string, Pooled>();
/** Sessions being opened: commands to the same host at the same moment share one connection. */
const opening = new Map<string, Promise<Pooled>>();

interface Lease {
  client: SshClient;
  /** Done with it: a pooled session stays open for IDLE_MS, a tunnelled one closes. */
  release: () => void;
  /** Something went wrong on it (timeout, abort): close it, never hand it out again. */
  discard: () => void;
  reused: boolean;
}

/**
 * A session for one command. Direct connections are kept for the next command (the egress policy is judged on every
 * call, before a session is reused); a connection through a bastion is made for the command and closed after.
 */
async function lease(target: SshTarget, timeoutMs: number, connectTimeoutMs?: number): Promise<Lease> {
  if (target.jump) {
    const { client, close } = await connectVia(target, timeoutMs);
    return { client, release: close, discard: close, reused: false };
  }
  if (!target.hostKey) throw new SshHostKeyError(`host key of ${target.host}:${target.port} is not pinned; pin it first`);
  const address = (await target.egress.resolve(target.host)).address;
  const key = createHash('sha256').update([address, target.port, target.username, target.hostKey, target.privateKey].join('\0')).digest('hex');
  let pooled = sessions.get(key);
  const reused = pooled !== undefined;
  if (!pooled) {
    let pending = opening.get(key);
    if (!pending) {
      pending = (async () => {
        const client = await connect(target, timeoutMs, undefined, address, true, connectTimeoutMs);
        const entry: Pooled = { client, users: 0 };
        const forget = (): void => {
          clearTimeout(entry.idle);
          if (sessions.get(key) === entry) sessions.delete(key);
        };
        client.on('close', forget);
        client.on('error', forget);
        sessions.set(key, entry);
        return entry;
      })().finally(() => opening.delete(key));
      opening.set(key, pending);
    }
    pooled = await pending;
  }
  const entry = pooled;
  entry.users += 1;
  clearTimeout(entry.idle);
  let done = false;
  return {
    client: entry.client,
    reused,
    release: () => {
      if (done) return;
      done = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      if (entry.retired) return void entry.client.end();
      entry.idle = setTimeout(() => {
        if (sessions.get(key) === entry) sessions.delete(key);
        entry.client.end();
      }, IDLE_MS).unref();
    },
    // Never handed out again; ended now only if no other command is running on it (their channels stay intact).
    discard: () => {
      if (done) return;
      done = true;
      entry.users -= 1;
      entry.retired = true;
      if (sessions.get(key) === entry) sessions.delete(key);
      if (entry.users === 0) entry.client.end();
    },
  };
}

/** Connects directly, or through the jump host with a TCP forward from it (as `ssh -J` does). */
async function connectVia(target: SshTarget, timeoutMs: number): Promise<{ client: SshClient; close: () => void }> {
  if (!target.jump) {
    const client = await connect(target, timeoutMs);
    return { client, close: () => client.end() };
  }
  const bastion = await connect(target.jump, timeoutMs);
  try {
    const tunnel = await new Promise<ClientChannel>((resolve, reject) =>
      bastion.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    const client = await connect({ ...target, jump: undefined }, timeoutMs, tunnel);
    return { client, close: () => (client.end(), bastion.end()) };
  } catch (error) {
    bastion.end();
    throw error;
  }
}

/**
 * Runs one command over SSH with key authentication, refusing any host whose key is not the pinned one (a changed
 * key is a possible man in the middle: never "accept and continue"; a session is only reused under the same pin).
 * Output is captured up to 64 KiB per stream.
 * `command` is one shell line: callers build it with `shellCommand(argv)` so values cannot add syntax.
 */
export async function sshExec(target: SshTarget, command: string, timeoutMs: number, options: SshExecOptions | AbortSignal = {}): Promise<SshResult> {
  const opts: SshExecOptions = options instanceof AbortSignal ? { signal: options } : options;
  if (opts.signal?.aborted) throw new Error('aborted');
  if (opts.fresh) return execAlone(target, command, timeoutMs, opts);
  const session = await lease(target, timeoutMs, opts.connectTimeoutMs);
  try {
    return await execOn(session, command, timeoutMs, opts);
  } catch (error) {
    // The kept session refused a channel before the command started (the server dropped it, or it has as many
    // channels open as sshd's MaxSessions): nothing ran, so once more on a session of its own.
    if (!(error instanceof ChannelRefused) || !session.reused) throw error;
    return execAlone(target, command, timeoutMs, opts);
  }
}

/** The command on a session of its own, closed after it (never the pool's). */
async function execAlone(target: SshTarget, command: string, timeoutMs: number, opts: SshExecOptions): Promise<SshResult> {
  const own = await connectVia(target, timeoutMs);
  return execOn({ client: own.client, release: own.close, discard: own.close, reused: false }, command, timeoutMs, opts);
}

/**
 * Keeps a direct session to the host open (opened now, or the pooled one) until the returned function is called: for
 * a step whose commands on a host are seconds apart — a migration checks the target, waits for the source, checks the
 * target again — so that neither waits for a new handshake, and the first is made while another host is busy.
 * Best effort: a host that cannot be reached now is left to the command that needs it, which reports why.
 */
export async function holdSsh(target: SshTarget, timeoutMs: number): Promise<() => void> {
  if (target.jump) return () => undefined;
  try {
    const session = await lease(target, timeoutMs);
    return session.release;
  } catch {
    return () => undefined;
  }
}

/** The command could not even start on the session (its channel was refused): nothing ran. */
class ChannelRefused extends Error {}

function execOn(session: Lease, command: string, timeoutMs: number, opts: SshExecOptions): Promise<SshResult> {
  const { client } = session;
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    const finish = (error: Error | undefined, result?: SshResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      client.off('error', failed);
      // Ending a command early (timeout, abort): kill it on the host too — without a terminal, closing the channel
      // alone may leave it running there.
      if (error && channel) {
        try {
          channel.signal('KILL');
        } catch {
          // The server does not take signals, or the channel is gone: closing it is all there is.
        }
        channel.close();
      }
      // A command that ended by itself leaves the session usable, and so does a refused channel (others may be
      // running on it; a dropped session has left the pool by itself); a timeout or an abort ends it, and the command.
      if (error && !(error instanceof ChannelRefused)) session.discard();
      else session.release();
      if (error) reject(error);
      else resolve(result!);
    };
    const failed = (error: Error): void => finish(error);
    const abort = (): void => finish(new Error('aborted'));
    const timer = setTimeout(() => finish(new Error(`command timed out after ${timeoutMs} ms`)), timeoutMs);
    opts.signal?.addEventListener('abort', abort, { once: true });
    // Aborted while the session was being opened (the listener above does not fire for a past abort).
    if (opts.signal?.aborted) return abort();
    client.on('error', failed);
    try {
      client.exec(command, (error, stream: ClientChannel) => {
        if (error) return finish(new ChannelRefused(error.message));
        channel = stream;
        if (settled) {
          // Given up (timeout, abort) while the channel was opening: the command has just started; stop it.
          try {
            stream.signal('KILL');
          } catch {
            // As below: closing is all there is.
          }
          return void stream.close();
        }
        const capture = new OutputCapture(opts.onData);
        stream.on('data', capture.take('stdout'));
        stream.stderr.on('data', capture.take('stderr'));
        // A channel that closes with neither an exit status nor a signal lost its session: an error, not a result.
        stream.on('close', (code: number | null | undefined, sig: string | null | undefined) =>
          code === undefined && sig === undefined ? finish(new Error('SSH session lost before the command ended')) : finish(undefined, { exitCode: code ?? null, signal: sig ?? null, ...capture.out }));
        stream.end(opts.stdin ?? '');
      });
    } catch (error) {
      // ssh2 throws at once on a session that is already closed.
      finish(new ChannelRefused((error as Error).message));
    }
  });
}

/** Reads the key a host presents, for an operator who chooses to pin it (trust on first use, explicitly). */
export async function fetchHostKey(host: string, port: number, timeoutMs: number, egress: EgressGuard): Promise<string> {
  const { address } = await egress.resolve(host);
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: string | undefined;
    client.on('error', (error) => (seen ? resolve(seen) : reject(error)));
    client.connect({
      ...baseConfig(address, port, timeoutMs),
      username: 'vigia-host-key-probe',
      hostVerifier: (key: Buffer) => {
        seen = fingerprint(key);
        // Refuse to continue: only the key was wanted, no authentication is attempted.
        return false;
      },
    });
  });
}
