import type { CommandResult } from '#lib/executors';
import { IFNAME } from '../document/definition.js';
import { sshAction } from './actions.js';
import type { PlannedAction, ResolvedHost } from './step.js';

/** The options mysqld reads from its option files at boot, in the order it reads them (the last one wins). */
export const BOOT_CONFIG_ARGV = ['my_print_defaults', '--mysqld'] as const;
const BOOT_CONFIG_TIMEOUT_MS = 4000;

const ON = /^(on|1|true|yes)$/i;

/** The value an option ends up with in my_print_defaults output (`--read_only=ON`, `--read-only`, `--skip-read-only`). */
function optionValue(lines: string[], name: string): boolean | undefined {
  let value: boolean | undefined;
  const normal = name.replace(/_/g, '-');
  for (const raw of lines) {
    const line = raw.trim().replace(/^--/, '');
    const [key, ...rest] = line.split('=');
    const option = key!.replace(/_/g, '-').toLowerCase();
    if (option === normal) value = rest.length === 0 ? true : ON.test(rest.join('=').trim());
    else if (option === `skip-${normal}` || option === `disable-${normal}`) value = false;
    else if (option === `enable-${normal}`) value = true;
  }
  return value;
}

/**
 * Why a server with this configuration would start writable, or undefined when it starts read-only. A restarted
 * former primary that boots writable takes writes the moment its address answers, before Vigia can fence it.
 */
export function bootConfigProblem(result: CommandResult): string | undefined {
  if (result.exitCode === 127 || /not found/i.test(result.stderr)) return 'not checked: my_print_defaults is not installed on the host';
  if (result.exitCode !== 0) return `not checked: my_print_defaults --mysqld failed (exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''})`;
  const lines = result.stdout.split('\n').filter(Boolean);
  if (optionValue(lines, 'read_only') === true || optionValue(lines, 'super_read_only') === true) return undefined;
  return 'read_only is not ON in its MySQL configuration at boot (my_print_defaults --mysqld): restarted, it would start writable and take writes before it can be fenced';
}

/** Reads a member's boot configuration over SSH; the action's note is the verdict (ok: read-only at boot). */
export function bootConfigAction(host: ResolvedHost, path: string): PlannedAction {
  return sshAction(host, [...BOOT_CONFIG_ARGV], path, {
    timeoutMs: BOOT_CONFIG_TIMEOUT_MS,
    judge: (r) => {
      const problem = bootConfigProblem(r);
      return problem ? { ok: false, note: problem } : { ok: true, note: 'read_only=ON at boot' };
    },
  });
}

/**
 * Why a member could pull its neighbours' ARP entries for the writer address back to itself when it returns, or
 * undefined when it cannot: with `arp_announce` below 2 a host may name any of its addresses — the writer address it
 * held before it was cut off included — as the source of its own ARP requests, and neighbours update their entry
 * from that; a returning old primary then receives the writes meant for the new one until it is fenced. The value
 * that counts is the larger of `all` and the interface's own (sysctl output: `net.ipv4.conf.all.arp_announce = 0`).
 */
export function arpAnnounceProblem(result: CommandResult, iface: string): string | undefined {
  const values = [...result.stdout.matchAll(/^net\.ipv4\.conf\.\S+\.arp_announce = (\d+)\s*$/gm)].map((m) => Number(m[1]));
  if (result.exitCode !== 0 || values.length === 0) {
    return `arp_announce not checked: sysctl failed (exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''})`;
  }
  const effective = Math.max(...values);
  if (effective >= 2) return undefined;
  return `arp_announce is ${effective} on ${iface} (net.ipv4.conf.all/${iface}): returning after a loss, it can announce the writer address it held and draw writes before it is fenced; set net.ipv4.conf.all.arp_announce=2 (docs/runbooks.md, "MySQL: no second writer")`;
}

/** Reads a member's `arp_announce` for the writer's interface over SSH (slashes: a VLAN's `eth0.100` stays one name); the note is the verdict. */
export function arpAnnounceAction(host: ResolvedHost, iface: string, path: string): PlannedAction {
  return sshAction(host, ['sysctl', 'net.ipv4.conf.all.arp_announce', `net/ipv4/conf/${iface}/arp_announce`], path, {
    timeoutMs: BOOT_CONFIG_TIMEOUT_MS,
    judge: (r) => {
      const problem = arpAnnounceProblem(r, iface);
      return problem ? { ok: false, note: problem } : { ok: true, note: `arp_announce=2 on ${iface}` };
    },
  });
}

/**
 * Every check a member of a MySQL group must pass to be safe to return after a loss: boots read-only, and (when the
 * group has a writer address on a named interface) does not announce addresses it no longer holds.
 */
export function memberSafetyActions(host: ResolvedHost, writerInterface: unknown, path: string): PlannedAction[] {
  const iface = typeof writerInterface === 'string' && IFNAME.test(writerInterface) ? writerInterface : undefined;
  return [bootConfigAction(host, path), ...(iface ? [arpAnnounceAction(host, iface, path)] : [])];
}

/** A member's warning from its safety checks' verdicts: the notes of those that failed, or null when all passed. */
export function memberWarning(results: readonly { ok: boolean; note?: string | null }[]): string | null {
  const problems = results.filter((r) => !r.ok).map((r) => r.note ?? 'not checked');
  return problems.length ? problems.join('; ') : null;
}
