/**
 * node dist/bench/paced-load.process.js <url> <rate> <seconds> <connections>
 *
 * A steady open-loop load for bench:status: `rate` GETs a second, evenly spaced (autocannon's `-R` sends each second's
 * share in a burst at the start of the second, which measures the burst, not the rate), over at most `connections`
 * keep-alive connections, for `seconds`. Each latency counts from when its request was due, not from when a free
 * connection sent it, so a stall on either side is counted in full (no coordinated omission). Bounded: `rate` ×
 * `seconds` requests, then at most 10 s for the last answers. Prints one JSON line.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [url, rateArg, secondsArg, connectionsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const WARMUP_S = 2;
const warmup = rate * WARMUP_S;
const total = rate * (WARMUP_S + seconds);
// Idle connections closed after 4 s, before the server's 5 s keep-alive timeout closes them under a request being sent.
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connectionsArg), timeout: 4_000 });
const latencies: number[] = [];
let errors = 0;
const errorCodes = new Map<string, number>();
let non2xx = 0;
let sent = 0;
let done = 0;
const t0 = performance.now();
// The generator's own lateness: a request it sends late is counted late, so say how late it was itself.
const ownDelay = monitorEventLoopDelay({ resolution: 10 });
ownDelay.enable();
setTimeout(() => ownDelay.reset(), WARMUP_S * 1000);

function finish(): void {
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  process.stdout.write(`${JSON.stringify({ asked: total - warmup, answered: latencies.length, reqPerS: Math.round(latencies.length / Math.max(seconds, elapsed - WARMUP_S - 0.001)), p50: at(0.5), p99: at(0.99), max: at(1), errors, errorCodes: Object.fromEntries(errorCodes), non2xx, sent: total, ownDelayP99: Math.round(ownDelay.percentile(99) / 1e6), ownDelayMax: Math.round(ownDelay.max / 1e6) })}\n`);
  process.exit(0);
}

function send(dueAt: number): void {
  const req = http.get(url!, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
    if (res.statusCode !== 200) non2xx++;
    res.resume();
    res.on('end', () => {
      if (dueAt >= t0 + WARMUP_S * 1000) latencies.push(performance.now() - dueAt);
      if (++done === total) finish();
    });
  });
  req.on('error', (error: NodeJS.ErrnoException) => {
    errors++;
    errorCodes.set(error.code ?? error.message, (errorCodes.get(error.code ?? error.message) ?? 0) + 1);
    if (++done === total) finish();
  });
}

function tick(): void {
  const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
  while (sent < due) send(t0 + (sent++ * 1000) / rate);
  if (sent < total) setTimeout(tick, 1);
  else setTimeout(finish, 10_000).unref();
}
tick();
