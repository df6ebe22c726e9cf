import { type ChildProcess, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Company } from './company.js';
import type { Lab } from './lab.js';

/**
 * Real libvirt hypervisors in the lab (see ../shared/VMLAB.md for what works on these machines and why): each one a
 * lab host whose sshd and `libvirtd` run in a mount namespace of their own — two system daemons on one kernel need
 * their own /etc/libvirt, /run/libvirt, /var/lib/libvirt… — with a bridge `br0` holding its lab link, so a guest on
 * any of them sits on the lab bridge with its fixed address. A shared folder plays the NFS/SAN: the guests' kernel,
 * initramfs, disks and domain XML. Guests are a Debian kernel + a busybox initramfs under QEMU's software emulation
 * (`<domain type='qemu'>`: KVM is advertised here but hangs), answering HTTP `/` with "<name> <boot id>".
 * Everything runs in the lab's namespaces, so Lab.destroy() ends it by pid.
 */
export interface Guest {
  name: string;
  address: string;
  xmlPath: string;
  disk: string;
}

/** The virtio drivers a Debian kernel builds as modules, in load order (modprobe resolves their dependencies). */
const GUEST_MODULES = ['virtio_pci', 'virtio_net', 'virtio_blk'];
const GUEST_MEMORY_MB = 128;

const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m; done
# The virtio devices are probed asynchronously: wait (bounded) for the NIC.
for i in $(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
arg() { sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
ip link set lo up; ip addr add $(arg vmip)/24 dev eth0; ip link set eth0 up
mkdir -p /www; echo "$(arg vmname) $(cat /proc/sys/kernel/random/boot_id)" > /www/index.html
httpd -p 80 -h /www
echo "GUEST-READY $(arg vmname) $(cat /proc/uptime)" > /dev/console
while true; do sleep 3600; done
`;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** The installed kernel whose modules are present (`linux-image-amd64`), found at run time. */
export function guestKernel(): { version: string; vmlinuz: string } {
  for (const version of existsSync('/lib/modules') ? readdirSync('/lib/modules').sort().reverse() : []) {
    const vmlinuz = `/boot/vmlinuz-${version}`;
    if (existsSync(vmlinuz)) return { version, vmlinuz };
  }
  throw new Error('no kernel for the lab guests: install linux-image-amd64 (see .ci/run)');
}

export class Hypervisors {
  readonly shared: string;
  readonly guests = new Map<string, Guest>();
  private readonly names: string[] = [];

  private constructor(readonly company: Company) {
    this.shared = join(company.lab.dir, 'shared');
  }

  get lab(): Lab {
    return this.company.lab;
  }

  /** Turns lab hosts (already in the company) into hypervisors and builds the guest image on the shared path. */
  static async start(company: Company, names: string[]): Promise<Hypervisors> {
    const hv = new Hypervisors(company);
    mkdirSync(hv.shared, { recursive: true });
    hv.buildImage();
    for (const d of ['/run/libvirt', '/var/lib/libvirt', '/var/log/libvirt', '/var/cache/libvirt']) mkdirSync(d, { recursive: true });
    for (const name of names) {
      hv.names.push(name);
      hv.configure(name);
      hv.bridge(name);
    }
    hv.writeKnownHosts();
    for (const name of names) await hv.boot(name);
    return hv;
  }

  private dir(name: string): string {
    return join(this.lab.dir, name, 'hv');
  }

  /** Kernel + initramfs with busybox and the virtio modules: what every guest boots. */
  private buildImage(): void {
    const { version, vmlinuz } = guestKernel();
    const root = join(this.lab.dir, 'initramfs');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'lib/modules', 'tmp']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
    const order: string[] = [];
    const lines = GUEST_MODULES.flatMap((m) => sh('modprobe', ['-S', version, '--show-depends', m]).split('\n'));
    for (const line of lines) {
      const file = /^insmod (\S+\.ko)\s*$/.exec(line)?.[1];
      if (!file) continue;
      const base = file.split('/').pop()!;
      if (order.includes(base)) continue;
      copyFileSync(file, join(root, 'lib/modules', base));
      order.push(base);
    }
    if (!GUEST_MODULES.every((m) => order.includes(`${m}.ko`))) throw new Error(`virtio modules of ${version} not found (uncompressed .ko expected)`);
    writeFileSync(join(root, 'lib/modules/order'), order.join('\n') + '\n');
    writeFileSync(join(root, 'init'), INIT);
    chmodSync(join(root, 'init'), 0o755);
    execFileSync('sh', ['-c', `cd "${root}" && find . | cpio -o -H newc --quiet | gzip -1 > "${this.shared}/initrd.gz"`]);
    copyFileSync(vmlinuz, join(this.shared, 'vmlinuz'));
  }

  /** A copy of /etc/libvirt and empty state folders for this hypervisor, set to run beside the others. */
  private configure(name: string): void {
    const h = this.dir(name);
    const host = this.lab.host(name);
    const n = Number(host.address.split('.')[3]);
    for (const d of ['run', 'lib', 'log', 'cache']) mkdirSync(join(h, d), { recursive: true });
    sh('cp', ['-a', '/etc/libvirt', join(h, 'etc')]);
    rmSync(join(h, 'etc/qemu/networks/autostart'), { recursive: true, force: true });
    writeFileSync(join(h, 'etc/qemu.conf'), readFileSync(join(h, 'etc/qemu.conf'), 'utf8') + [
      'user = "root"', 'group = "root"', 'dynamic_ownership = 0', 'security_driver = "none"', 'stdio_handler = "file"',
      // No systemd and cgroup v1 here; several daemons must not share one cgroup tree.
      'cgroup_controllers = [ ]',
      `migration_host = "${host.address}"`, `migration_address = "${host.address}"`,
    ].join('\n') + '\n');
    writeFileSync(join(h, 'etc/libvirtd.conf'), readFileSync(join(h, 'etc/libvirtd.conf'), 'utf8') + [
      // No SMBIOS in a container: every daemon would have the same UUID, and migration refuses that.
      `host_uuid = "00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}"`,
      'log_outputs = "3:file:/var/log/libvirt/libvirtd.log"',
    ].join('\n') + '\n');
    // The hypervisor's own SSH client (live migration goes hypervisor to hypervisor): the lab key, the other
    // hypervisors' host keys pinned in its known_hosts, nothing read from the machine's ~/.ssh.
    writeFileSync(join(h, 'ssh_config'), [
      'Host *', '  User root', `  IdentityFile ${join(this.lab.dir, 'client')}`, `  UserKnownHostsFile ${join(h, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', '  BatchMode yes', '  LogLevel ERROR',
    ].join('\n') + '\n');
  }

  /** Every hypervisor knows every other one's current host key (pinned, as an operator would distribute them). */
  writeKnownHosts(): void {
    const lines = this.names.map((n) => `${this.lab.host(n).address} ${readFileSync(join(this.lab.dir, n, 'host_ed25519.pub'), 'utf8').trim()}`);
    for (const name of this.names) writeFileSync(join(this.dir(name), 'known_hosts'), lines.join('\n') + '\n');
  }

  /** The host's lab link moves under a bridge br0 (same name on every hypervisor, so one domain XML fits all). */
  private bridge(name: string): void {
    const { address } = this.lab.host(name);
    const steps = [
      ['ip', 'link', 'add', 'br0', 'type', 'bridge'], ['ip', 'addr', 'del', `${address}/24`, 'dev', 'eth0'],
      ['ip', 'link', 'set', 'eth0', 'master', 'br0'], ['ip', 'addr', 'add', `${address}/24`, 'dev', 'br0'],
      ['ip', 'link', 'set', 'br0', 'up'], ['ip', 'route', 'replace', 'default', 'via', this.lab.gateway],
    ];
    for (const argv of steps) this.lab.exec(name, argv);
  }

  /**
   * Starts the hypervisor: a private mount namespace with its libvirt folders, libvirtd, then sshd in the
   * foreground (so a session over SSH talks to this host's libvirtd). Also what a hypervisor that comes back does.
   */
  async boot(name: string): Promise<void> {
    const h = this.dir(name);
    const old = this.lab.sshds.get(name);
    if (old) await this.lab.stop(old);
    // Its own /etc/hosts and a fresh root home come from the lab (Lab.addHost, Lab.sshdScript).
    const binds = [['etc', '/etc/libvirt'], ['run', '/run/libvirt'], ['lib', '/var/lib/libvirt'], ['log', '/var/log/libvirt'], ['cache', '/var/cache/libvirt'], ['ssh_config', '/etc/ssh/ssh_config']];
    const script = [
      'set -e', `hostname ${name}`,
      ...binds.map(([from, to]) => `mount --bind ${join(h, from!)} ${to}`),
      'mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu',
      `libvirtd -d -p ${join(h, 'libvirtd.pid')}`,
      ...this.lab.sshdScript(name),
    ].join('\n');
    this.lab.sshds.set(name, this.lab.spawnIn(name, 'unshare', ['-m', '-u', '--propagation', 'private', 'sh', '-c', script]));
    await this.lab.waitPort(this.lab.host(name).address, 22);
  }

  /** The hypervisor's libvirtd only (its sshd keeps answering): "the host answers, its libvirt does not". */
  stopLibvirt(name: string): void {
    process.kill(Number(readFileSync(join(this.dir(name), 'libvirtd.pid'), 'utf8')), 'SIGKILL');
  }

  /**
   * A new host key for the hypervisor (reinstalled, or someone else answering at its address): every sshd process
   * there (listener and open sessions) ended, a new one started in the hypervisor's mount namespace.
   */
  async rekey(name: string): Promise<void> {
    const key = join(this.lab.dir, name, 'host_ed25519');
    rmSync(key, { force: true });
    rmSync(`${key}.pub`, { force: true });
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    for (const pid of sh('ip', ['netns', 'pids', this.lab.host(name).ns]).split('\n').filter(Boolean)) {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd') process.kill(Number(pid), 'SIGKILL');
    }
    const libvirtd = readFileSync(join(this.dir(name), 'libvirtd.pid'), 'utf8').trim();
    this.lab.sshds.set(name, this.lab.spawnIn(name, 'nsenter', ['-t', libvirtd, '-m', '-u', '/usr/sbin/sshd', ...this.lab.sshdArgs(name)]));
    await this.lab.waitPort(this.lab.host(name).address, 22);
  }

  /** virsh on the hypervisor itself (inside its namespaces), for the test's own setup and checks. */
  virsh(name: string, args: string[]): string {
    const pid = readFileSync(join(this.dir(name), 'libvirtd.pid'), 'utf8').trim();
    return sh('nsenter', ['-t', pid, '-m', '-n', 'virsh', '-q', ...args]);
  }

  /** Domains running on a hypervisor now ([] when its libvirtd is gone). */
  running(name: string): string[] {
    try {
      return this.virsh(name, ['list', '--name']).split('\n').map((l) => l.trim()).filter(Boolean);
    } catch {
      return [];
    }
  }

  /** Every domain defined on a hypervisor, running or not. */
  defined(name: string): string[] {
    try {
      return this.virsh(name, ['list', '--all', '--name']).split('\n').map((l) => l.trim()).filter(Boolean);
    } catch {
      return [];
    }
  }

  /** A guest on the shared path: its disk and domain XML, a fixed address and MAC on the lab bridge. */
  addGuest(name: string, index: number): Guest {
    const address = `${this.lab.subnet}.${50 + index}`;
    const disk = join(this.shared, `${name}.qcow2`);
    const xmlPath = join(this.shared, `${name}.xml`);
    sh('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
    const hex = (v: number) => v.toString(16).padStart(2, '0');
    const id = parseInt(this.lab.id, 16);
    writeFileSync(xmlPath, `<domain type='qemu'>
  <name>${name}</name>
  <uuid>5a1e0000-0000-4000-8000-${this.lab.id}0000${hex(index)}${hex(index)}</uuid>
  <memory unit='MiB'>${GUEST_MEMORY_MB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${this.shared}/vmlinuz</kernel>
    <initrd>${this.shared}/initrd.gz</initrd>
    <cmdline>console=ttyS0 quiet vmip=${address} vmname=${name}</cmdline>
  </os>
  <features><tcg><tb-cache unit='MiB'>32</tb-cache></tcg></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'><source bridge='br0'/><mac address='52:54:00:${hex(id >> 8)}:${hex(id & 255)}:${hex(index)}'/><model type='virtio'/></interface>
    <serial type='file'><source path='${this.shared}/${name}-serial.log' append='on'/><target port='0'/></serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
`);
    const guest = { name, address, xmlPath, disk };
    this.guests.set(name, guest);
    return guest;
  }

  /** Defines and starts a guest on a hypervisor and waits for its first HTTP answer; its boot id. */
  async startGuest(host: string, guest: Guest, timeoutMs = 60_000): Promise<string> {
    this.virsh(host, ['define', guest.xmlPath]);
    this.virsh(host, ['start', guest.name]);
    try {
      return (await this.waitServing(guest, timeoutMs)).bootId;
    } catch (error) {
      // A guest that did not boot must not keep burning a core.
      this.virsh(host, ['destroy', guest.name]);
      throw error;
    }
  }

  /** What a guest answers now: its name and boot id, or undefined (no answer within `timeoutMs`). */
  async ask(guest: Guest, timeoutMs = 500): Promise<{ name: string; bootId: string } | undefined> {
    try {
      const text = await (await fetch(`http://${guest.address}/`, { signal: AbortSignal.timeout(timeoutMs) })).text();
      const [name, bootId] = text.trim().split(' ');
      return name && bootId ? { name, bootId } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Polls (bounded) until the guest answers; its answer. */
  async waitServing(guest: Guest, timeoutMs = 60_000, notBootId?: string): Promise<{ name: string; bootId: string }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await this.ask(guest);
      if (answer && answer.bootId !== notBootId) return answer;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`guest ${guest.name} (${guest.address}) did not answer${notBootId ? ' with a new boot id' : ''} within ${timeoutMs} ms`);
  }

  /**
   * The QEMU processes (pids) that have a file open now, over every process on the machine. Only QEMU's descriptors
   * are read: scanning every process's would block this process — which runs Vigia too — for long on a busy machine.
   */
  static openers(file: string): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (!readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('qemu-system')) continue;
      } catch {
        continue;
      }
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(`/proc/${entry}/fd/${fd}`) === file) {
            pids.push(Number(entry));
            break;
          }
        } catch {
          // closed meanwhile
        }
      }
    }
    return pids;
  }

  /** Samples, every 250 ms until stopped, how many processes have each guest's disk open at once; the maximum. */
  watchDisks(): { stop(): Record<string, number> } {
    const most: Record<string, number> = {};
    const sample = () => {
      for (const g of this.guests.values()) most[g.name] = Math.max(most[g.name] ?? 0, Hypervisors.openers(g.disk).length);
    };
    sample();
    const timer = setInterval(sample, 250);
    return {
      stop: () => {
        clearInterval(timer);
        sample();
        return most;
      },
    };
  }

  /** The sshd child of a hypervisor (for tests that wait on it). */
  sshd(name: string): ChildProcess | undefined {
    return this.lab.sshds.get(name);
  }
}
