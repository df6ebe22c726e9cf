import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from '#lib/persistence';

const run = promisify(execFile);
const BIN = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => existsSync(p));
const INSTALL = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p));

export const mariadbAvailable = Boolean(BIN && INSTALL);

/** A MariaDB server of the test's own: own data folder, loopback port, GTID binlog; stopped by pid. */
export class MariaDbInstance {
  private child?: ChildProcess;
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly serverId: number,
  ) {}

  static async start(serverId: number): Promise<MariaDbInstance> {
    if (!BIN || !INSTALL) throw new Error('MariaDB is not installed (apt-get install mariadb-server)');
    const dir = await mkdtemp(join(tmpdir(), `vigia-mariadb-${serverId}-`));
    await run(INSTALL, ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db']);
    const instance = new MariaDbInstance(dir, await freePort(), serverId);
    await instance.launch();
    return instance;
  }

  async launch(): Promise<void> {
    this.child = spawn(BIN!, [
      '--no-defaults', `--datadir=${join(this.dir, 'data')}`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--socket=${join(this.dir, 'mysqld.sock')}`, `--pid-file=${join(this.dir, 'mysqld.pid')}`, '--user=root',
      `--server-id=${this.serverId}`, '--log-bin=mariadb-bin', '--log-slave-updates', '--gtid-strict-mode=1',
      '--skip-name-resolve', '--innodb-buffer-pool-size=16M', '--performance-schema=OFF',
      `--log-error=${join(this.dir, 'error.log')}`,
    ], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const c = await this.connect();
        await c.end();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error(`MariaDB on ${this.port} did not start; see ${join(this.dir, 'error.log')}`);
  }

  connect(): Promise<mysql.Connection> {
    return mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 2000, multipleStatements: true });
  }

  async sql(statement: string): Promise<unknown> {
    const c = await this.connect();
    try {
      const [rows] = await c.query(statement);
      return rows;
    } finally {
      await c.end();
    }
  }

  /** Stops the server (SIGKILL when `crash`, as a dead master would), keeping its data for a restart. */
  async stop(crash = false): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(crash ? 'SIGKILL' : 'SIGTERM');
    await exited;
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop(true);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A primary and a GTID replica of it, with a `vigia` monitoring user. */
export async function startReplicationPair(): Promise<{ primary: MariaDbInstance; replica: MariaDbInstance }> {
  const primary = await MariaDbInstance.start(1);
  const replica = await MariaDbInstance.start(2);
  await primary.sql(`
    CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pass'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
    CREATE USER 'vigia'@'127.0.0.1' IDENTIFIED BY 'probe-pass'; GRANT REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'vigia'@'127.0.0.1';
    CREATE DATABASE shop; CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT);`);
  // The monitoring user reaches the replica through replication; its own setup writes nothing to its binlog.
  await replica.sql(`
    SET GLOBAL read_only = ON;
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='repl', MASTER_PASSWORD='repl-pass',
      MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
    START SLAVE;`);
  return { primary, replica };
}
