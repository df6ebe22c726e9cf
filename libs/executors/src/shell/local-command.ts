import { spawn } from 'node:child_process';

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export const MAX_OUTPUT = 64 * 1024;

/** Collects a stream's text up to MAX_OUTPUT, remembering whether anything was cut. */
export class OutputCapture {
  readonly out = { stdout: '', stderr: '', truncated: false };
  constructor(private readonly onData?: (stream: 'stdout' | 'stderr', text: string) => void) {}

  take(key: 'stdout' | 'stderr'): (chunk: Buffer) => void {
    return (chunk) => {
      const text = chunk.toString('utf8');
      this.onData?.(key, text);
      const room = MAX_OUTPUT - this.out[key].length;
      if (text.length > room) this.out.truncated = true;
      if (room > 0) this.out[key] += text.slice(0, room);
    };
  }
}

/**
 * Runs a program on the Vigia machine itself (e.g. `nsupdate`) with an argument vector: no shell is involved, so no
 * argument can become syntax. Input goes on stdin (secrets there, never in argv, which `ps` shows).
 */
export function runLocal(
  file: string,
  args: readonly string[],
  options: { stdin?: string; timeoutMs: number; signal?: AbortSignal; onData?: (stream: 'stdout' | 'stderr', text: string) => void },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs, signal: options.signal });
    const capture = new OutputCapture(options.onData);
    child.stdout.on('data', capture.take('stdout'));
    child.stderr.on('data', capture.take('stderr'));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code, signal, ...capture.out }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
