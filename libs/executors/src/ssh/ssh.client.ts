import { createHash } from 'node:crypto';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';

// ssh2 is CommonJS: its classes come through the default export under Node's ESM loader.
const { Client } = ssh2;

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  /** Pinned host key, OpenSSH fingerprint format `SHA256:…`. Required: an unpinned host is refused. */
  hostKey: string | null;
}

export interface SshResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export class SshHostKeyError extends Error {}

const MAX_OUTPUT = 64 * 1024;

/** The fingerprint `ssh-keygen -lf` prints: SHA-256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function baseConfig(host: string, port: number, timeoutMs: number): ConnectConfig {
  return { host, port, readyTimeout: timeoutMs, keepaliveInterval: 0, tryKeyboard: false };
}

/**
 * Runs one command over SSH with key authentication, refusing any host whose key is not the pinned one (a changed
 * key is a possible man in the middle: never "accept and continue"). Output is captured up to 64 KiB per stream.
 */
export function sshExec(target: SshTarget, command: string, timeoutMs: number, signal?: AbortSignal): Promise<SshResult> {
  if (!target.hostKey) return Promise.reject(new SshHostKeyError(`host key of ${target.host}:${target.port} is not pinned; pin it first`));
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seenKey = '';
    const fail = (error: Error): void => {
      client.end();
      reject(error);
    };
    const abort = (): void => fail(new Error('aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    client.on('error', (error) =>
      fail(seenKey && seenKey !== target.hostKey ? new SshHostKeyError(`host key of ${target.host}:${target.port} changed: ${seenKey}, pinned ${target.hostKey}`) : error),
    );
    client.on('ready', () => {
      client.exec(command, (error, stream: ClientChannel) => {
        if (error) return fail(error);
        const out = { stdout: '', stderr: '', truncated: false };
        const take = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
          if (out[key].length < MAX_OUTPUT) out[key] += chunk.toString('utf8').slice(0, MAX_OUTPUT - out[key].length);
          else out.truncated = true;
        };
        stream.on('data', take('stdout'));
        stream.stderr.on('data', take('stderr'));
        stream.on('close', (code: number | null, sig: string | null) => {
          signal?.removeEventListener('abort', abort);
          client.end();
          resolve({ exitCode: code ?? null, signal: sig ?? null, ...out });
        });
      });
    });
    client.connect({
      ...baseConfig(target.host, target.port, timeoutMs),
      username: target.username,
      privateKey: target.privateKey,
      hostVerifier: (key: Buffer) => {
        seenKey = fingerprint(key);
        return seenKey === target.hostKey;
      },
    });
  });
}

/** Reads the key a host presents, for an operator who chooses to pin it (trust on first use, explicitly). */
export function fetchHostKey(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: string | undefined;
    client.on('error', (error) => (seen ? resolve(seen) : reject(error)));
    client.connect({
      ...baseConfig(host, port, timeoutMs),
      username: 'vigia-host-key-probe',
      hostVerifier: (key: Buffer) => {
        seen = fingerprint(key);
        // Refuse to continue: only the key was wanted, no authentication is attempted.
        return false;
      },
    });
  });
}
