import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TEST_EGRESS_ALLOW } from './test-egress.js';
import { graphqlClient } from './graphql-client.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited(timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts a compiled entry point (as `npm start` does after its build) with a clean environment of our choosing.
 * `detached`: the process leads a process group of its own (pgid = its pid), as a shell's foreground job does, so a
 * test can signal the whole group the way a terminal's Ctrl-C does.
 */
export function startProcess(entry: string, env: Record<string, string>, args: string[] = [], options: { detached?: boolean } = {}): RunningProcess {
  const script = `${ROOT}dist/${entry}`;
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` (npm test does it first)`);
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', VIGIA_EGRESS_ALLOW: TEST_EGRESS_ALLOW, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = text.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`did not see ${pattern} (exit ${child.exitCode}); output:\n${text}`);
    },
    exited(timeoutMs = 30_000) {
      return Promise.race([exit, new Promise<number | null>((_, reject) => setTimeout(() => reject(new Error(`no exit; output:\n${text}`)), timeoutMs))]);
    },
  };
}

/** Pids of processes whose command line mentions `fragment` (e.g. a data folder): finds orphans without `ps`. */
export async function pidsMentioning(fragment: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.replaceAll('\0', ' ').includes(fragment)) pids.push(Number(entry));
  }
  return pids;
}

export async function login(base: string, tenant: string, email: string, password: string): Promise<string | undefined> {
  const res = await graphqlClient(base).gql<{ login?: { token: string } }>('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { tenant, email, password } });
  return res.data?.login?.token;
}
