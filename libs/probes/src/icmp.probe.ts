import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import { address, refined, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { count } from './probe-fields.js';
import { formatMs, num, type Probe, type ProbeTarget, type ProbeVerdict, targetHost } from './probe.js';

/**
 * ICMP echo through the system `ping` (iputils): raw sockets need privileges the watchdog should not hold itself.
 * Arguments go to execFile as an array (no shell); the host was validated as an IP or RFC 1123 name on save.
 */
export class IcmpProbe implements Probe<IcmpConfig> {
  readonly type = 'icmp' as const;

  constructor(private readonly pingBinary = 'ping') {}

  async check(target: ProbeTarget<IcmpConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    const count = Math.min(num(target.config, 'count') ?? 1, 10);
    const waitSeconds = Math.max(1, Math.ceil(target.timeoutMs / 1000));
    // ping gets the judged address, never the name: it would resolve again.
    const { address } = await egress.resolve(host);
    const family = isIP(address) === 6 ? ['-6'] : [];
    const args = [...family, '-n', '-c', String(count), '-W', String(waitSeconds), '-i', '0.2', '--', address];
    const { code, stdout, stderr } = await run(this.pingBinary, args, signal);
    const received = /(\d+) (?:packets )?received/.exec(stdout)?.[1];
    const avg = /= [\d.]+\/([\d.]+)\//.exec(stdout)?.[1];
    if (code === 0 && avg) {
      const latencyMs = Number(avg);
      const loss = count - Number(received ?? count);
      if (loss > 0) return { status: 'degraded', reason: `ICMP ${host}: ${loss}/${count} lost, avg ${formatMs(latencyMs)}`, latencyMs };
      return { status: 'up', reason: `ICMP echo from ${host} in ${formatMs(latencyMs)}`, latencyMs };
    }
    const why = stderr.trim().split('\n')[0] || `${received ?? 0}/${count} replies`;
    return { status: 'down', reason: `ICMP ${host}: no echo reply (${why})` };
  }
}

function run(file: string, args: string[], signal: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { signal, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${file} is not installed on this watchdog`));
      if (error && signal.aborted) return reject(error);
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** What a icmp monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const icmpConfig = {
  host: address().optional(),
  count: refined(count(), (v) => (v >= 1 && v <= 10 ? undefined : 'must be from 1 to 10')).optional(),
};

export type IcmpConfig = SettingsOf<typeof icmpConfig>;

export const icmpProbeKind = defineProbe({
  type: 'icmp',
  description: 'ICMP echo (the system ping): packet loss and round-trip time',
  config: icmpConfig,
  createRunner: () => new IcmpProbe(),
});
