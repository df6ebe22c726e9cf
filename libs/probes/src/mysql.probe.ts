import mysql, { type RowDataPacket } from 'mysql2/promise';
import { address, flag, port, text, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { count, password } from './probe-fields.js';
import { bool, formatMs, libraryTimeoutMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';

export interface ReplicationHealth {
  ioRunning: boolean;
  sqlRunning: boolean;
  secondsBehind: number | null;
  lastIoError: string;
  lastSqlError: string;
  source: string;
}

/**
 * MySQL/MariaDB: connect, run a query, read replication health from the server itself. A replica whose threads are
 * stopped or whose lag exceeds `maxLagSeconds` is degraded; the reason names the server's own fields.
 */
export class MysqlProbe implements Probe<MysqlConfig> {
  readonly type = 'mysql' as const;

  async check(target: ProbeTarget<MysqlConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    const port = num(target.config, 'port') ?? 3306;
    const { address } = await egress.resolve(host, port);
    const started = performance.now();
    const connecting = mysql.createConnection({
      host: address,
      port,
      user: str(target.config, 'user'),
      password: str(target.config, 'password'),
      database: str(target.config, 'database'),
      // A backstop: the runner's deadline decides, and its abort destroys the connection (once made, if connecting).
      connectTimeout: libraryTimeoutMs(target.timeoutMs),
    });
    const abort = (): void => void connecting.then((c) => c.destroy(), () => undefined);
    signal.addEventListener('abort', abort, { once: true });
    let connection: Awaited<typeof connecting>;
    try {
      connection = await connecting;
    } catch (error) {
      signal.removeEventListener('abort', abort);
      throw error;
    }
    try {
      const query = str(target.config, 'query');
      if (query) await connection.query(query);
      const [[vars]] = await connection.query<RowDataPacket[]>('SELECT @@read_only AS readOnly, @@version AS version');
      const gtid = await readGtid(connection);
      const replication = await readReplication(connection);
      const latencyMs = performance.now() - started;
      const details = { readOnly: Boolean(vars?.readOnly), version: vars?.version, gtid, replication: replication === NOT_PERMITTED ? undefined : replication };
      const seen = `MySQL ${host}:${port} answered in ${formatMs(latencyMs)}${vars?.readOnly ? ' (read_only)' : ''}`;
      const expectReplica = bool(target.config, 'replica') ?? false;
      // A primary that answers but refuses writes is an outage of its own (not a reason to promote anything).
      if (bool(target.config, 'writable') && vars?.readOnly) return { status: 'down', reason: `${seen}: read_only=ON, the primary refuses writes`, latencyMs, details };
      if (replication === NOT_PERMITTED) {
        // The login and query worked: the database is up. Whether it replicates is unknown, which matters only to a
        // monitor that expects a replica. A missing grant must never look like an outage (it would fail over a
        // healthy primary).
        const why = `${REPLICATION_NOT_READABLE}: the user lacks the SLAVE MONITOR (MariaDB 10.5+) or REPLICATION CLIENT (MySQL) privilege`;
        return expectReplica
          ? { status: 'degraded', reason: `${seen}: ${why}`, latencyMs, details }
          : { status: 'up', reason: `${seen} (${why})`, latencyMs, details };
      }
      if (!replication) {
        return expectReplica
          ? { status: 'degraded', reason: `${seen}: not replicating (no replica status)`, latencyMs, details }
          : { status: 'up', reason: seen, latencyMs, details };
      }
      const problem = replicationProblem(replication, num(target.config, 'maxLagSeconds') ?? 30);
      if (problem) return { status: 'degraded', reason: `${seen}: ${problem}`, latencyMs, details };
      return { status: 'up', reason: `${seen}, ${REPLICATING_FROM} ${replication.source}, Seconds_Behind_Master=${replication.secondsBehind}`, latencyMs, details };
    } finally {
      signal.removeEventListener('abort', abort);
      await connection.end().catch(() => connection.destroy());
    }
  }
}

export function replicationProblem(r: ReplicationHealth, maxLagSeconds: number): string | undefined {
  if (!r.ioRunning) return `replica IO thread stopped${r.lastIoError ? `: ${r.lastIoError}` : ''}`;
  if (!r.sqlRunning) return `replica SQL thread stopped${r.lastSqlError ? `: ${r.lastSqlError}` : ''}`;
  if (r.secondsBehind === null) return 'Seconds_Behind_Master=NULL (replication not progressing)';
  if (r.secondsBehind > maxLagSeconds) return `Seconds_Behind_Master=${r.secondsBehind} > ${maxLagSeconds}`;
  return undefined;
}

/** The words a mysql monitor's reason carries when its user may not read the replica status (MySQL groups read them). */
export const REPLICATION_NOT_READABLE = 'replication state not readable';
/** The words of a healthy replica's reason, before its source (MySQL groups read them to tell replicas from primaries). */
export const REPLICATING_FROM = 'replicating from';

/** The server refused to show replica status to this user (a missing grant, not a broken server). */
const NOT_PERMITTED = Symbol('replication status not permitted');
/** ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the … privilege(s) for this operation". */
const ACCESS_DENIED_FOR_OPERATION = 1227;

const notPermitted = (error: unknown): boolean => (error as { errno?: unknown } | null)?.errno === ACCESS_DENIED_FOR_OPERATION;

async function readReplication(connection: mysql.Connection): Promise<ReplicationHealth | undefined | typeof NOT_PERMITTED> {
  let rows: RowDataPacket[];
  try {
    [rows] = await connection.query<RowDataPacket[]>('SHOW REPLICA STATUS');
  } catch (error) {
    if (notPermitted(error)) return NOT_PERMITTED;
    // MySQL before 8.0.22 knows only the old wording.
    try {
      [rows] = await connection.query<RowDataPacket[]>('SHOW SLAVE STATUS');
    } catch (old) {
      if (notPermitted(old)) return NOT_PERMITTED;
      throw old;
    }
  }
  const row = rows[0];
  if (!row) return undefined;
  const field = (...names: string[]): unknown => names.map((n) => row[n]).find((v) => v !== undefined);
  const lag = field('Seconds_Behind_Master', 'Seconds_Behind_Source');
  return {
    ioRunning: field('Slave_IO_Running', 'Replica_IO_Running') === 'Yes',
    sqlRunning: field('Slave_SQL_Running', 'Replica_SQL_Running') === 'Yes',
    secondsBehind: lag === null || lag === undefined ? null : Number(lag),
    lastIoError: String(field('Last_IO_Error') ?? ''),
    lastSqlError: String(field('Last_SQL_Error') ?? ''),
    source: `${String(field('Master_Host', 'Source_Host') ?? '?')}:${String(field('Master_Port', 'Source_Port') ?? '?')}`,
  };
}

async function readGtid(connection: mysql.Connection): Promise<string | undefined> {
  // MariaDB keeps @@gtid_current_pos, MySQL @@gtid_executed; each refuses the other's name.
  for (const sql of ['SELECT @@global.gtid_current_pos AS gtid', 'SELECT @@global.gtid_executed AS gtid']) {
    try {
      const [[row]] = await connection.query<RowDataPacket[]>(sql);
      if (row?.gtid !== undefined) return String(row.gtid);
    } catch {
      // try the other dialect
    }
  }
  return undefined;
}

/** What a mysql monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const mysqlConfig = {
  host: address().optional(),
  port: port().optional(),
  user: text(),
  password: password().optional(),
  database: text().optional(),
  query: text().optional(),
  replica: flag().optional(),
  writable: flag().optional(),
  maxLagSeconds: count().optional(),
};

export type MysqlConfig = SettingsOf<typeof mysqlConfig>;

export const mysqlProbeKind = defineProbe({
  type: 'mysql',
  description: 'A MySQL/MariaDB login and query; replication state and lag, or writability',
  config: mysqlConfig,
  createRunner: () => new MysqlProbe(),
});
