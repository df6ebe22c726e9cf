import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#lib/persistence';

/** An sshd of the test's own (Debian openssh-server) on a loopback port, key login only, with its own host key. */
export class Sshd {
  private child?: ChildProcess;
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** The client's private key (OpenSSH format) that sshd accepts for root. */
  clientKey(): Promise<string> {
    return readFile(join(this.dir, 'client'), 'utf8');
  }

  /** The host key fingerprint as ssh-keygen prints it: what a careful operator would pin. */
  hostKeyFingerprint(): string {
    return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(this.dir, 'host_ed25519.pub')]).toString().split(' ')[1]!;
  }

  static async start(): Promise<Sshd> {
    const dir = await mkdtemp(join(tmpdir(), 'vigia-sshd-'));
    await chmod(dir, 0o755);
    const sshd = new Sshd(dir, await freePort());
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client')]);
    await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client.pub')));
    await writeFile(join(dir, 'sshd_config'), [
      `Port ${sshd.port}`, 'ListenAddress 127.0.0.1', `HostKey ${dir}/host_ed25519`, `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
      'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'LogLevel ERROR',
    ].join('\n') + '\n');
    // sshd's privilege separation needs this folder; Debian creates it at boot, a container may not have it.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    sshd.child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const open = await new Promise<boolean>((r) => {
        const socket = connect({ host: '127.0.0.1', port: sshd.port }, () => {
          socket.destroy();
          r(true);
        });
        socket.on('error', () => r(false));
      });
      if (open) return sshd;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('sshd did not start');
  }

  /** Stops the listening sshd only: sessions already open stay, as after `systemctl stop ssh` (KillMode=process). */
  async stopListening(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }

  async destroy(): Promise<void> {
    await this.stopListening();
    await rm(this.dir, { recursive: true, force: true });
  }
}
