import { type CommandResult, runLocal, shellChain, sshExec } from '#lib/executors';
import { type ActionResult, type PlannedAction, type ResolvedHost, StepInputError } from './step.js';

export interface SshActionOptions {
  timeoutMs: number;
  stdin?: string;
  /** Shown instead of stdin in the audit trail (secrets masked). */
  stdinShown?: string;
  /** A shorter bound on the TCP connect alone (see SshExecOptions.connectTimeoutMs). */
  connectTimeoutMs?: number;
  /** Decides success from the result; default: exit code 0. */
  judge?: (result: CommandResult) => { ok: boolean; note?: string };
}

export function sshTargetLabel(host: ResolvedHost): string {
  return host.ssh ? `${host.name} (${host.ssh.username}@${host.ssh.host}:${host.ssh.port}${host.ssh.jump ? ` via ${host.ssh.jump.host}` : ''})` : host.name;
}

/**
 * A command on a host over SSH: argv quoted word by word, so no value can become shell syntax. Several argument
 * vectors run in one session, each only if the previous succeeded (one connection instead of several).
 */
export function sshAction(host: ResolvedHost, argv: readonly string[] | readonly (readonly string[])[], path: string, options: SshActionOptions): PlannedAction {
  if (!host.ssh) throw new StepInputError(path, host.sshProblem ?? `host ${host.name} has no SSH access`);
  const target = host.ssh;
  const command = shellChain(typeof argv[0] === 'string' ? [argv as readonly string[]] : (argv as readonly (readonly string[])[]));
  return {
    kind: 'ssh',
    target: sshTargetLabel(host),
    command: options.stdinShown !== undefined ? `${command} <<< ${JSON.stringify(options.stdinShown)}` : command,
    async run(io): Promise<ActionResult> {
      const result = await sshExec(target, command, options.timeoutMs, { signal: io.signal, onData: io.onData, stdin: options.stdin, connectTimeoutMs: options.connectTimeoutMs });
      const verdict = options.judge?.(result) ?? { ok: result.exitCode === 0 };
      return { ...verdict, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** A program on the Vigia machine itself, without a shell. */
export function localAction(file: string, args: string[], options: SshActionOptions): PlannedAction {
  return {
    kind: 'local',
    target: 'vigia',
    command: [file, ...args].join(' ') + (options.stdinShown !== undefined ? ` <<< ${JSON.stringify(options.stdinShown)}` : ''),
    async run(io): Promise<ActionResult> {
      const result = await runLocal(file, args, { stdin: options.stdin, timeoutMs: options.timeoutMs, signal: io.signal, onData: io.onData });
      const verdict = options.judge?.(result) ?? { ok: result.exitCode === 0 };
      return { ...verdict, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
