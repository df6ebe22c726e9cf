import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#lib/persistence';
import { selfSignedCert } from '../../support/tls-cert.js';

export const dovecotAvailable = existsSync('/usr/sbin/dovecot');

/**
 * A Dovecot of the test's own (Debian dovecot-imapd, dovecot-pop3d): loopback IMAP and POP3 ports, STARTTLS with a
 * self-signed certificate, one user from a passwd file, Maildir under a temporary folder. Stopped by pid.
 */
export class Dovecot {
  private child?: ChildProcess;
  private constructor(
    readonly dir: string,
    readonly imapPort: number,
    readonly pop3Port: number,
  ) {}

  /** The Maildir `new/` folder of `user`: a local delivery agent drops messages there. */
  maildirNew(user: string): string {
    return join(this.dir, 'mail', user, 'new');
  }

  static async start(user: string, password: string): Promise<Dovecot> {
    const dir = await mkdtemp(join(tmpdir(), 'vigia-dovecot-'));
    // Dovecot's auth and mail processes run as the dovecot user: they must be able to reach the folder.
    await chmod(dir, 0o755);
    const dovecot = new Dovecot(dir, await freePort(), await freePort());
    const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
    const { key, cert } = await selfSignedCert(90);
    await writeFile(join(dir, 'key.pem'), key, { mode: 0o600 });
    await writeFile(join(dir, 'cert.pem'), cert);
    await writeFile(join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
    for (const sub of ['new', 'cur', 'tmp']) await mkdir(join(dir, 'mail', user, sub), { recursive: true });
    for (const path of [join(dir, 'mail'), join(dir, 'mail', user), ...['new', 'cur', 'tmp'].map((s) => join(dir, 'mail', user, s))]) {
      await chown(path, uid, gid);
    }
    await writeFile(join(dir, 'dovecot.conf'), `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${uid}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    port = ${dovecot.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${dovecot.pop3Port}
  }
  inet_listener pop3s {
    port = 0
  }
}
`);
    await dovecot.launch();
    return dovecot;
  }

  private async launch(): Promise<void> {
    this.child = spawn('/usr/sbin/dovecot', ['-F', '-c', join(this.dir, 'dovecot.conf')], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if ((await listening(this.imapPort)) && (await listening(this.pop3Port))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`dovecot did not start; see ${join(this.dir, 'dovecot.log')}`);
  }

  async destroy(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (!process.env.VIGIA_KEEP_TEST_DIRS) await rm(this.dir, { recursive: true, force: true });
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
