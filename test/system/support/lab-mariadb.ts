import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { Lab } from './lab.js';

const BIN = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => existsSync(p))!;
const INSTALL = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p))!;

export const ADMIN = { user: 'vigia', password: 'vigia-admin-pass' };
export const REPL = { user: 'repl', password: 'repl-pass' };
export const APP = { user: 'app', password: 'app-pass' };

/** How a group's servers are configured (their /etc/mysql/my.cnf, read at every start). */
export interface ServerOptions {
  /**
   * Seconds a replica waits for data before it thinks its primary gone. Short (4 s) by default so the older tests
   * see a vanished primary fast; `'default'` leaves it out of the configuration: MariaDB's own 60 s.
   */
  slaveNetTimeout?: number | 'default';
  /** `read_only=ON` in the configuration at boot (what docs/runbooks.md requires): a restarted server starts read-only. */
  readOnlyAtBoot?: boolean;
}

/**
 * MariaDB servers in lab hosts, port 3306 on each host's address, GTID replication with semi-synchronous commits
 * (AFTER_SYNC: a commit is acknowledged once a replica has it, so promoting the most advanced replica loses no
 * acknowledged row). Each server reads its settings from the host's own /etc/mysql/my.cnf (see Lab.etc), so what
 * Vigia reads over SSH with `my_print_defaults --mysqld` is what the server booted with.
 */
export class LabMariaDb {
  readonly servers = new Map<string, { child?: ChildProcess; dir: string; address: string; serverId: number; options: ServerOptions }>();

  constructor(private readonly lab: Lab) {}

  async start(name: string, serverId: number, options?: ServerOptions): Promise<void> {
    const dir = join(this.lab.dir, `${name}-mariadb`);
    if (!this.servers.has(name)) {
      mkdirSync(dir);
      execFileSync(INSTALL, ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'ignore' });
      this.servers.set(name, { dir, address: this.lab.host(name).address, serverId, options: options ?? {} });
    }
    const server = this.servers.get(name)!;
    if (options) server.options = options;
    this.configure(name);
    server.child = this.lab.spawnIn(name, BIN, ['--defaults-file=/etc/mysql/my.cnf']);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await (await this.root(name)).end();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`MariaDB in ${name} did not start: ${(error as Error).message}`, { cause: error });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Writes the host's /etc/mysql/my.cnf from the server's options (also to change them before a restart). */
  configure(name: string, change: ServerOptions = {}): void {
    const server = this.servers.get(name)!;
    server.options = { ...server.options, ...change };
    const { dir, serverId, options } = server;
    const timeout = options.slaveNetTimeout ?? 4;
    writeFileSync(this.lab.etc(name, 'mysql/my.cnf'), [
      '[mysqld]', `datadir=${join(dir, 'data')}`, 'port=3306', 'bind-address=0.0.0.0', `socket=${join(dir, 'mysqld.sock')}`,
      `pid-file=${join(dir, 'mysqld.pid')}`, 'user=root', `server-id=${serverId}`, 'log-bin=mariadb-bin', 'log-slave-updates',
      'gtid-strict-mode=1', 'skip-name-resolve', 'innodb-buffer-pool-size=16M', 'performance-schema=OFF',
      ...(timeout === 'default' ? [] : [`slave-net-timeout=${timeout}`]),
      'rpl-semi-sync-master-enabled=ON', 'rpl-semi-sync-slave-enabled=ON', 'rpl-semi-sync-master-wait-point=AFTER_SYNC',
      'rpl-semi-sync-master-timeout=20000', `log-error=${join(dir, 'error.log')}`,
      ...(options.readOnlyAtBoot ? ['read_only=ON'] : []), '',
    ].join('\n'));
  }

  /** root over the server's socket (the file system is shared with the lab). */
  root(name: string): Promise<mysql.Connection> {
    return mysql.createConnection({ socketPath: join(this.servers.get(name)!.dir, 'mysqld.sock'), user: 'root', multipleStatements: true });
  }

  async sql(name: string, statement: string): Promise<mysql.RowDataPacket[]> {
    const c = await this.root(name);
    try {
      const [rows] = await c.query(statement);
      return rows as mysql.RowDataPacket[];
    } finally {
      await c.end();
    }
  }

  /** A primary and replicas of it; `delay` gives one replica a MASTER_DELAY (it lags on purpose). */
  async group(primary: string, replicas: string[], firstId: number, delay: Record<string, number> = {}, options: ServerOptions = {}): Promise<void> {
    await this.start(primary, firstId, options);
    for (const [i, name] of replicas.entries()) await this.start(name, firstId + i + 1, options);
    // Read-only at boot: the primary is made writable at run time, as an operator (or a promotion) would.
    if (options.readOnlyAtBoot) await this.sql(primary, 'SET GLOBAL read_only = OFF');
    // Accounts are created on each server without binary logging: a delayed replica has them before it has the data.
    for (const name of [primary, ...replicas]) {
      await this.sql(name, `SET SESSION sql_log_bin = 0;
        CREATE USER '${ADMIN.user}'@'%' IDENTIFIED BY '${ADMIN.password}'; GRANT ALL ON *.* TO '${ADMIN.user}'@'%' WITH GRANT OPTION;
        CREATE USER '${REPL.user}'@'%' IDENTIFIED BY '${REPL.password}'; GRANT REPLICATION SLAVE ON *.* TO '${REPL.user}'@'%';
        CREATE USER '${APP.user}'@'%' IDENTIFIED BY '${APP.password}'; GRANT SELECT, INSERT ON shop.* TO '${APP.user}'@'%';`);
    }
    await this.sql(primary, 'CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, note TEXT);');
    const address = this.servers.get(primary)!.address;
    for (const name of replicas) {
      await this.sql(name, `SET GLOBAL read_only = ON;
        CHANGE MASTER TO MASTER_HOST='${address}', MASTER_PORT=3306, MASTER_USER='${REPL.user}', MASTER_PASSWORD='${REPL.password}',
          MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1${delay[name] ? `, MASTER_DELAY=${delay[name]}` : ''};
        START SLAVE;`);
    }
    // Wait until every replica has the schema (with a delay: until it has received it).
    for (const name of replicas) {
      // Generous: on a loaded 2-core machine a replica's CREATE TABLE (InnoDB files, fsync) was seen to take > 20 s.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [status] = await this.sql(name, 'SHOW SLAVE STATUS');
        if (status?.Slave_IO_Running === 'Yes' && (delay[name] || (await this.sql(name, "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'shop'"))[0]!.n === 1)) break;
        if (Date.now() > deadline) throw new Error(`${name} did not start replicating: ${JSON.stringify(status)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Kills mariadbd (SIGKILL: a crash, no goodbye to the replicas beyond the TCP reset). */
  async kill(name: string): Promise<void> {
    const server = this.servers.get(name)!;
    const child = server.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    server.child = undefined;
  }
}

/** A client that keeps inserting through the writer VIP and remembers every id the server acknowledged. */
export class Writer {
  readonly acknowledged: number[] = [];
  firstAfter?: number;
  private next = 1;
  private stopped = false;
  private done?: Promise<void>;

  constructor(private readonly vip: string) {}

  start(): void {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    const deadline = Date.now() + 120_000;
    let connection: mysql.Connection | undefined;
    while (!this.stopped && Date.now() < deadline) {
      try {
        connection ??= await mysql.createConnection({ host: this.vip, port: 3306, user: APP.user, password: APP.password, connectTimeout: 500 });
        const id = this.next++;
        await connection.query({ sql: 'INSERT INTO shop.orders (id, note) VALUES (?, ?)', timeout: 3000 }, [id, `order ${id}`]);
        this.acknowledged.push(id);
        // Only an insert sent after mark() counts: one sent before it, whose answer arrived in the meantime, was the
        // old primary's (seen in a two-vantage run: "0.02 s", no incident yet).
        if (this.markedId !== undefined && id >= this.markedId) this.firstAfter ??= Date.now();
      } catch {
        await connection?.destroy();
        connection = undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await connection?.end().catch(() => undefined);
  }

  /** The id the next insert will carry: every id from here on is sent after this moment. */
  get nextId(): number {
    return this.next;
  }

  private markedId?: number;
  /** From now on, remember when the first insert sent after this moment succeeds. */
  mark(): void {
    this.markedId = this.next;
    this.firstAfter = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}
