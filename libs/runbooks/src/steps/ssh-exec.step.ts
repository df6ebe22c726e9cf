import type { StepDef } from '../document/definition.js';
import { sshAction } from './actions.js';
import { durationField, type StepHandler, sequential } from './step.js';
import { duration, hostRef, int, strings, text } from './step-fields.js';

/** An operator's command as an argument vector (never a shell line): each word reaches the host as one argument. */
export const sshExecStep: StepHandler = {
  type: 'ssh.exec',
  fields: {
    host: hostRef(),
    argv: strings(1, 64),
    timeout: duration().optional(),
    expect_exit: int(0, 255).optional(),
    stdin: text().optional(),
  },
  idempotent: (step: StepDef) => step.idempotent === true,
  async plan(w, ctx, path) {
    const host = await ctx.resolveHost(w.host, `${path}.host`, true);
    const expectExit = typeof w.expect_exit === 'number' ? w.expect_exit : 0;
    const argv = (w.argv as unknown[]).map(String);
    return sequential([
      sshAction(host, argv, `${path}.host`, {
        timeoutMs: durationField(w.timeout, 30_000),
        stdin: typeof w.stdin === 'string' ? w.stdin : undefined,
        judge: (r) => ({ ok: r.exitCode === expectExit, note: r.exitCode === expectExit ? undefined : `exit ${r.exitCode ?? r.signal}, expected ${expectExit}` }),
      }),
    ]);
  },
};
