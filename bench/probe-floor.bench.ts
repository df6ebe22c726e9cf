/**
 * npm run bench:probe-floor -- [--probes 20000] [--concurrency 50] [--rounds 3] [--rate 650 --seconds 10]
 *
 * The floor under issue 14's "CPU per probe" figure: what one fresh-connection HTTP check costs this machine's Node
 * with nothing of Vigia in it. Two clients against the same loopback target (a child process, so its CPU is not
 * counted): Node's HTTP client as the http probe uses it (no Agent, one connection per request) and a bare TCP
 * socket that writes a fixed GET and reads until the server closes (the least any client can do: connect, write,
 * read, close). Prints the client's CPU µs per check (user + system) for each, alternating, `--rounds` times.
 * Bounded: `--probes` checks per client per round.
 *
 * With `--rate`: the same HTTP check paced as a scheduler paces it, `--rate` checks a second for `--seconds`, started
 * in wake-ups every 1, 25 and 100 ms (the probe scheduler's VIGIA_PROBE_BATCH_MS) — what each idle wake-up costs.
 */
import { fork } from 'node:child_process';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { loadavg } from 'node:os';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

type Check = (port: number) => Promise<void>;

const viaHttp: Check = (port) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end();
  });

const viaSocket: Check = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });

async function measure(check: Check, port: number, probes: number, concurrency: number): Promise<{ cpuUs: number; perSecond: number }> {
  for (let i = 0; i < Math.min(2000, probes); i++) await check(port);
  let started = 0;
  const before = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (started < probes) {
      started++;
      await check(port);
    }
  }));
  const used = process.cpuUsage(before);
  return { cpuUs: (used.user + used.system) / probes, perSecond: probes / ((performance.now() - t0) / 1000) };
}

/** `rate` checks a second for `seconds`, started together every `tickMs` (a timer per wake-up); CPU per check. */
async function measurePaced(check: Check, port: number, rate: number, tickMs: number, seconds: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await check(port);
  const perTick = (rate * tickMs) / 1000;
  let owed = 0;
  let done = 0;
  const running: Promise<void>[] = [];
  const before = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const wake = (): void => {
      for (owed += perTick; owed >= 1; owed--) running.push(check(port).then(() => void done++));
      if (performance.now() < end) setTimeout(wake, tickMs);
      else resolve();
    };
    wake();
  });
  await Promise.all(running);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / Math.max(1, done);
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) {
    const server = createServer((_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
    return;
  }
  const probes = arg('probes', 20_000);
  const concurrency = arg('concurrency', 50);
  const rounds = arg('rounds', 3);
  const target = fork(process.argv[1]!, ['--serve']);
  try {
    const port = await new Promise<number>((resolve) => target.once('message', (m) => resolve(Number(m))));
    const rate = arg('rate', 0);
    if (rate > 0) {
      const seconds = arg('seconds', 10);
      for (let round = 1; round <= rounds; round++) {
        for (const tickMs of [1, 25, 100]) {
          const cpu = await measurePaced(viaHttp, port, rate, tickMs, seconds);
          process.stdout.write(`round ${round}: node http client, ${rate} checks/s started every ${tickMs} ms: ${cpu.toFixed(1)} µs CPU per check\n`);
        }
      }
      return;
    }
    process.stdout.write(`probe floor: ${probes} checks per client per round, ${concurrency} at once; load average ${loadavg()[0]!.toFixed(1)} at start\n`);
    for (let round = 1; round <= rounds; round++) {
      for (const [name, check] of [['node http client (agent: false)', viaHttp], ['bare TCP socket', viaSocket]] as const) {
        const r = await measure(check, port, probes, concurrency);
        process.stdout.write(`round ${round}: ${name}: ${r.cpuUs.toFixed(1)} µs CPU per check, ${Math.round(r.perSecond)} checks/s\n`);
      }
    }
    process.stdout.write(`load average ${loadavg()[0]!.toFixed(1)} at end\n`);
  } finally {
    target.kill();
  }
}

void main();
