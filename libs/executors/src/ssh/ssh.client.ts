import { createHash } from 'node:crypto';
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
}

export class SshHostKeyError extends Error {}

/** The fingerprint `ssh-keygen -lf` prints: SHA-256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function baseConfig(host: string, port: number, timeoutMs: number): ConnectConfig {
  return { host, port, readyTimeout: timeoutMs, keepaliveInterval: 0, tryKeyboard: false };
}

/** Opens an authenticated session, refusing any host whose key is not the pinned one. */
async function connect(target: SshTarget, timeoutMs: number, sock?: Duplex): Promise<SshClient> {
  if (!target.hostKey) throw new SshHostKeyError(`host key of ${target.host}:${target.port} is not pinned; pin it first`);
  const address = sock ? target.host : (await target.egress.resolve(target.host)).address;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seenKey = '';
    client.on('error', (error) => {
      client.end();
      reject(seenKey && seenKey !== target.hostKey ? new SshHostKeyError(`host key of ${target.host}:${target.port} changed: ${seenKey}, pinned ${target.hostKey}`) : error);
    });
    client.on('ready', () => resolve(client));
    client.connect({
      ...baseConfig(address, target.port, timeoutMs),
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
 * key is a possible man in the middle: never "accept and continue"). Output is captured up to 64 KiB per stream.
 * `command` is one shell line: callers build it with `shellCommand(argv)` so values cannot add syntax.
 */
export async function sshExec(target: SshTarget, command: string, timeoutMs: number, options: SshExecOptions | AbortSignal = {}): Promise<SshResult> {
  const opts: SshExecOptions = options instanceof AbortSignal ? { signal: options } : options;
  if (opts.signal?.aborted) throw new Error('aborted');
  const { client, close } = await connectVia(target, timeoutMs);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, result?: SshResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      close();
      if (error) reject(error);
      else resolve(result!);
    };
    const abort = (): void => finish(new Error('aborted'));
    const timer = setTimeout(() => finish(new Error(`command timed out after ${timeoutMs} ms`)), timeoutMs);
    opts.signal?.addEventListener('abort', abort, { once: true });
    client.on('error', (error) => finish(error));
    client.exec(command, (error, stream: ClientChannel) => {
      if (error) return finish(error);
      const capture = new OutputCapture(opts.onData);
      stream.on('data', capture.take('stdout'));
      stream.stderr.on('data', capture.take('stderr'));
      stream.on('close', (code: number | null, sig: string | null) => finish(undefined, { exitCode: code ?? null, signal: sig ?? null, ...capture.out }));
      stream.end(opts.stdin ?? '');
    });
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
