import type { CommandResult } from '#lib/executors';
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
