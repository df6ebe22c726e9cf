import { type ChildProcess, spawn } from 'node:child_process';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '#lib/egress';
import { fingerprint, holdSsh, sshExec, type SshTarget } from './ssh.client.js';
import { testSshKey } from './test-ssh-key.js';

// The real policy, opened for loopback as an operator's allow-list would.
const egress = new EgressPolicy({ allow: ['127.0.0.0/8'], deny: [] }).guard({ vantage: 'platform' });
const CLIENT_KEY = testSshKey();

/** A real SSH server (ssh2's) on 127.0.0.1 that accepts any key and answers `echo X` with X; counts connections. */
async function sshServer(): Promise<{ server: InstanceType<typeof ssh2.Server>; port: number; hostKey: string; connections: () => number }> {
  const hostKey = testSshKey();
  let connections = 0;
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    connections += 1;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => ctx.accept());
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        stream.write(`${info.command.replace(/^echo /, '')}\n`);
        stream.exit(0);
        stream.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const parsed = ssh2.utils.parseKey(hostKey);
  if (parsed instanceof Error) throw parsed;
  return { server, port: (server.address() as AddressInfo).port, hostKey: fingerprint(parsed.getPublicSSH()), connections: () => connections };
}

describe('SSH executor: shared sessions, held sessions, the TCP connect bounded apart', () => {
  let ssh: Awaited<ReturnType<typeof sshServer>>;
  let target: SshTarget;
  // A port that answers no SYN: a listener whose accept queue is full (nothing accepts), as a host that is gone.
  let blackhole: ChildProcess;
  let blackholePort = 0;
  const fillers: Socket[] = [];

  beforeAll(async () => {
    ssh = await sshServer();
    target = { host: '127.0.0.1', port: ssh.port, username: 'root', privateKey: CLIENT_KEY, hostKey: ssh.hostKey, egress };
    blackhole = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    blackholePort = await new Promise<number>((resolve) => blackhole.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    // Fill the queue: connect until one is not accepted by the kernel within 300 ms.
    for (let i = 0; i < 8; i++) {
      const socket = tcpConnect({ host: '127.0.0.1', port: blackholePort });
      socket.on('error', () => undefined);
      fillers.push(socket);
      const connected = await new Promise<boolean>((r) => {
        const timer = setTimeout(() => r(false), 300);
        socket.once('connect', () => (clearTimeout(timer), r(true)));
      });
      if (!connected) break;
    }
  }, 30_000);
  afterAll(() => {
    for (const s of fillers) s.destroy();
    blackhole?.kill();
    ssh?.server.close();
  });

  it('commands to one host at the same moment share one connection', async () => {
    const before = ssh.connections();
    const answers = await Promise.all(['a', 'b', 'c'].map((x) => sshExec(target, `echo ${x}`, 10_000)));
    expect(answers.map((a) => a.stdout.trim())).toEqual(['a', 'b', 'c']);
    expect(ssh.connections() - before).toBe(1);
  });

  it('a held session serves the next commands; holding a host that cannot be reached is no error', async () => {
    const release = await holdSsh({ ...target, port: ssh.port }, 10_000);
    const before = ssh.connections();
    expect((await sshExec(target, 'echo held', 10_000)).stdout.trim()).toBe('held');
    expect(ssh.connections()).toBe(before);
    release();
    const none = await holdSsh({ ...target, port: blackholePort }, 300);
    expect(none()).toBeUndefined();
  });

  it('with connectTimeoutMs, a host that accepts no TCP connection is given up after it, not after the whole timeout', async () => {
    const gone = { ...target, port: blackholePort };
    await expect(sshExec(gone, 'echo x', 5000, { connectTimeoutMs: 500 })).rejects.toThrow(`no TCP connection to 127.0.0.1:${blackholePort} within 500 ms`);
    // Without it, the handshake's timeout decides (ssh2's own message).
    await expect(sshExec(gone, 'echo x', 700)).rejects.toThrow(/handshake/);
    // A host that connects is unaffected by a short connect bound.
    expect((await sshExec(target, 'echo fine', 5000, { connectTimeoutMs: 500 })).stdout.trim()).toBe('fine');
  });
});
