import { sshExec } from '#lib/executors';
import { compileUserPattern, port, text, userRegex, type SettingsOf } from '#lib/common';
import { type EgressGuard, excerpt } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { count } from './probe-fields.js';
import { formatMs, libraryTimeoutMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';

/**
 * SSH command check: runs the operator's command (a shell command by design: monitors are written by operators)
 * with key authentication against a pinned host key, and asserts the exit code and the output.
 */
export class SshProbe implements Probe<SshConfig> {
  readonly type = 'ssh' as const;

  async check(target: ProbeTarget<SshConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    if (!target.ssh) return { status: 'down', reason: `no SSH credential is set for this host` };
    const port = num(target.config, 'port') ?? target.ssh.port;
    const user = str(target.config, 'user') ?? target.ssh.user;
    const command = str(target.config, 'command')!;
    const started = performance.now();
    const result = await sshExec({ host, port, username: user, privateKey: target.ssh.privateKey, hostKey: target.ssh.hostKey, egress }, command, libraryTimeoutMs(target.timeoutMs), { signal, fresh: true });
    const latencyMs = performance.now() - started;
    const firstLine = (result.stdout.trim() || result.stderr.trim()).split('\n')[0]?.slice(0, 120) ?? '';
    const seen = `SSH ${user}@${host}:${port} \`${command.slice(0, 60)}\` exited ${result.exitCode ?? result.signal} in ${formatMs(latencyMs)}${firstLine ? `: ${JSON.stringify(firstLine)}` : ''}`;
    const details = { exitCode: result.exitCode, stdout: excerpt(result.stdout), stderr: excerpt(result.stderr) };
    const wantedExit = num(target.config, 'expectExitCode') ?? 0;
    if (result.exitCode !== wantedExit) return { status: 'down', reason: `${seen}; expected exit ${wantedExit}`, latencyMs, details };
    const contains = str(target.config, 'outputContains');
    if (contains !== undefined && !result.stdout.includes(contains)) return { status: 'down', reason: `${seen}; output lacks ${JSON.stringify(contains)}`, latencyMs, details };
    const regex = str(target.config, 'outputRegex');
    if (regex !== undefined && !compileUserPattern(regex, 'm').test(result.stdout)) return { status: 'down', reason: `${seen}; output does not match /${regex}/`, latencyMs, details };
    return { status: 'up', reason: seen, latencyMs, details };
  }
}

/** What a ssh monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const sshConfig = {
  port: port().optional(),
  user: text().optional(),
  command: text(),
  expectExitCode: count().optional(),
  outputContains: text().optional(),
  outputRegex: userRegex().optional(),
};

export type SshConfig = SettingsOf<typeof sshConfig>;

export const sshProbeKind = defineProbe({
  type: 'ssh',
  description: 'A command over SSH on the host: exit code and output',
  config: sshConfig,
  createRunner: () => new SshProbe(),
});
