import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small hosting company in Linux network namespaces: hosts on one bridge with a private test subnet, each with its
 * own sshd (Debian openssh-server) and host key. Vigia, in the root namespace, reaches them through the bridge's
 * address. Everything carries this lab's id, is ended by pid and deleted on destroy(), on process exit, and, for a
 * lab whose test process was killed, by the next lab (`sweepStale`). Traffic stays inside these namespaces.
 */
export interface LabHost {
  name: string;
  ns: string;
  address: string;
  /** The root-namespace end of its veth: taking it down takes the host off the network. */
  rootIf: string;
  hostKeyFingerprint: string;
}

const PREFIX = 'vlab';

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

function quiet(cmd: string, args: string[]): void {
  try {
    run(cmd, args);
  } catch {
    // cleanup of something already gone
  }
}

export class Lab {
  readonly id = randomBytes(2).toString('hex');
  readonly dir = mkdtempSync(join(tmpdir(), 'vigia-lab-'));
  readonly subnet: string;
  readonly gateway: string;
  readonly bridge: string;
  readonly hosts = new Map<string, LabHost>();
  /** Each host's sshd (replaced by a hypervisor's own, see hypervisors.ts). */
  readonly sshds = new Map<string, ChildProcess>();
  private readonly children: ChildProcess[] = [];
  private destroyed = false;
  private readonly outputs = new WeakMap<ChildProcess, () => string>();
  private readonly exitHook = () => this.destroySync();

  private constructor() {
    // 10.213.x.0/24 with x from the id: two labs at once do not collide.
    this.subnet = `10.213.${parseInt(this.id, 16) % 250}`;
    this.gateway = `${this.subnet}.1`;
    this.bridge = `${PREFIX}${this.id}`;
    chmodSync(this.dir, 0o755);
    process.once('exit', this.exitHook);
  }

  /** Deletes namespaces and bridges of labs whose test process no longer exists. */
  static sweepStale(): void {
    for (const line of run('ip', ['netns', 'list']).split('\n')) {
      const match = /^(vlab-(\d+)-\S+)/.exec(line);
      if (match && !alive(Number(match[2]))) {
        killInside(match[1]!);
        quiet('ip', ['netns', 'del', match[1]!]);
        rmSync(`/etc/netns/${match[1]!}`, { recursive: true, force: true });
      }
    }
    for (const line of run('ip', ['-o', 'link', 'show', 'type', 'bridge']).split('\n')) {
      const match = new RegExp(`^\\d+: (${PREFIX}[0-9a-f]{4})[:@]`).exec(line);
      if (match && !run('ip', ['netns', 'list']).includes(`-${match[1]!.slice(PREFIX.length)}`)) quiet('ip', ['link', 'del', match[1]!]);
    }
  }

  static async create(names: string[]): Promise<Lab> {
    Lab.sweepStale();
    const lab = new Lab();
    try {
      run('ip', ['link', 'add', lab.bridge, 'type', 'bridge']);
      run('ip', ['addr', 'add', `${lab.gateway}/24`, 'dev', lab.bridge]);
      run('ip', ['link', 'set', lab.bridge, 'up']);
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(lab.dir, 'client')]);
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
      for (const [i, name] of names.entries()) await lab.addHost(name, `${lab.subnet}.${11 + i}`);
    } catch (error) {
      lab.destroySync();
      throw error;
    }
    return lab;
  }

  /** Adds a host to a running lab (next free address). */
  async add(name: string): Promise<LabHost> {
    await this.addHost(name, `${this.subnet}.${11 + this.hosts.size}`);
    return this.host(name);
  }

  private async addHost(name: string, address: string): Promise<void> {
    const ns = `vlab-${process.pid}-${this.id}-${name}`;
    const rootIf = `${PREFIX}${this.id}${this.hosts.size}`;
    run('ip', ['netns', 'add', ns]);
    // `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc/*: each host gets its own /etc/keepalived.
    mkdirSync(`/etc/netns/${ns}/keepalived`, { recursive: true });
    // Its own /etc/mysql too (empty until a server is configured there), before sshd starts: a session over SSH sees
    // the host's MySQL configuration, as `my_print_defaults` on a real server would.
    mkdirSync(`/etc/netns/${ns}/mysql`, { recursive: true });
    // Its own /etc/hosts naming itself, as Debian's installer writes it (127.0.1.1), and this machine's name (a lab host
    // shares its UTS namespace unless it sets its own). The lab has no DNS server: without the line, every program
    // that resolves its own host name (libvirt at each migration phase, sudo, MariaDB) waits the resolver's timeout.
    writeFileSync(`/etc/netns/${ns}/hosts`, `127.0.0.1 localhost\n127.0.1.1 ${name} ${hostname()}\n`);
    run('ip', ['link', 'add', rootIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    run('ip', ['link', 'set', rootIf, 'master', this.bridge, 'up']);
    this.in(ns, ['ip', 'link', 'set', 'lo', 'up']);
    this.in(ns, ['ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    this.in(ns, ['ip', 'link', 'set', 'eth0', 'up']);
    this.in(ns, ['ip', 'route', 'add', 'default', 'via', this.gateway]);
    const dir = join(this.dir, name);
    mkdirSync(dir);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(this.dir, 'client.pub')));
    writeFileSync(join(dir, 'sshd_config'), [
      'Port 22', `ListenAddress ${address}`, `HostKey ${dir}/host_ed25519`, `PidFile ${dir}/sshd.pid`, `AuthorizedKeysFile ${dir}/authorized_keys`,
      'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'LogLevel ERROR',
    ].join('\n') + '\n');
    const fingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')]).split(' ')[1]!;
    this.hosts.set(name, { name, ns, address, rootIf, hostKeyFingerprint: fingerprint });
    mkdirSync(join(dir, 'root'));
    // `ip netns exec` gives the command its own mount namespace: the bind below stays inside this host.
    this.sshds.set(name, this.spawnIn(name, 'sh', ['-c', this.sshdScript(name).join('\n')]));
    await this.waitPort(address, 22);
  }

  /**
   * How the lab starts a host's sshd: root's home as a fresh install has it, then sshd in the foreground (exec, so
   * that its pid is the child's). This machine's /root/.bashrc (pyenv init, ≈ 100 processes) would otherwise run for
   * every command over SSH — Debian's bash reads it when sshd starts it — costing 2–4 s a command, more under load,
   * and making Vigia's 4–10 s command timeouts the test's subject instead of failover.
   */
  sshdScript(name: string): string[] {
    return [`mount --bind ${join(this.dir, name, 'root')} /root`, `exec /usr/sbin/sshd ${this.sshdArgs(name).join(' ')}`];
  }

  sshdArgs(name: string): string[] {
    return ['-D', '-e', '-f', join(this.dir, name, 'sshd_config')];
  }

  /** The host crashes: off the network, and every process in it (sshd, daemons, VMs) killed by pid. */
  crash(name: string): void {
    this.isolate(name);
    killInside(this.host(name).ns);
  }

  host(name: string): LabHost {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no lab host ${name}`);
    return host;
  }

  /** The private key sshd in every lab host accepts for root. */
  clientKey(): string {
    return readFileSync(join(this.dir, 'client'), 'utf8');
  }

  /** A file of the host's own /etc (see addHost). */
  etc(name: string, file: string): string {
    return `/etc/netns/${this.host(name).ns}/${file}`;
  }

  /** Runs a command inside a host (no shell). */
  exec(name: string, argv: string[], input?: string): string {
    return this.in(this.host(name).ns, argv, input);
  }

  private in(ns: string, argv: string[], input?: string): string {
    return run('ip', ['netns', 'exec', ns, ...argv], input);
  }

  /** Starts a long-running process inside a host; it is ended by pid on destroy. */
  spawnIn(name: string, file: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.host(name).ns, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    const keep = (c: Buffer): void => void (output = (output + c.toString()).slice(-8000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.outputs.set(child, () => output);
    // A lab process that dies while the lab lives is always worth a line: a test that then times out says why.
    child.on('exit', (code, signal) => {
      if ((code || (signal && signal !== 'SIGTERM' && signal !== 'SIGKILL')) && !this.destroyed) process.stderr.write(`[lab] ${file} in ${name} exited ${code ?? signal}: ${output}\n`);
    });
    this.children.push(child);
    return child;
  }

  /** The last 8,000 characters a process started with spawnIn wrote (stdout and stderr), for a failing test's message. */
  outputOf(child: ChildProcess): string {
    return this.outputs.get(child)?.() ?? '';
  }

  /** A plain HTTP server on port 80 of the host (all its addresses, the VIP included) answering its own name. */
  httpServer(name: string): ChildProcess {
    const script = `require('http').createServer((q, s) => s.end(${JSON.stringify(name)})).listen(80, '0.0.0.0')`;
    return this.spawnIn(name, process.execPath, ['-e', script]);
  }

  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** Takes a host off the network (its link goes down, as if the cable were pulled). */
  isolate(name: string): void {
    run('ip', ['link', 'set', this.host(name).rootIf, 'down']);
  }

  reconnect(name: string): void {
    run('ip', ['link', 'set', this.host(name).rootIf, 'up']);
  }

  async waitPort(address: string, port: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address, port, timeout: 500 }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
        socket.on('timeout', () => (socket.destroy(), resolve(false)));
      });
      if (open) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${address}:${port} did not open`);
  }

  async destroy(): Promise<void> {
    await Promise.all(this.children.map((c) => this.stop(c)));
    this.destroySync();
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.removeListener('exit', this.exitHook);
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const host of this.hosts.values()) {
      // Anything still running in the namespace was started by this lab (directly or over its SSH): end it by pid.
      killInside(host.ns);
      quiet('ip', ['netns', 'del', host.ns]);
      rmSync(`/etc/netns/${host.ns}`, { recursive: true, force: true });
    }
    quiet('ip', ['link', 'del', this.bridge]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Ends, by pid, every process left in one of the lab's namespaces (`ip netns pids`). */
function killInside(ns: string): void {
  let pids: number[];
  try {
    pids = run('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
