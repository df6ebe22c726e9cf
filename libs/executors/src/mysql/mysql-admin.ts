import type { EgressGuard } from '#lib/egress';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { changeSourceSql, flavorOf, type MysqlFlavor, replicaStatusSql, resetReplicaSql, type SourceSettings, startReplicaSql, stopReplicaSql, waitAppliedSql } from './replication-sql.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The egress policy of the tenant whose database this is: the host is judged before connecting. */
  egress: EgressGuard;
}

export interface ReplicaState {
  /** Where it replicates from; null when it is no replica. */
  source: string | null;
  ioRunning: boolean;
  /** `Connecting`: the IO thread is retrying a source it lost. */
  ioState: string;
  sqlRunning: boolean;
  secondsBehind: number | null;
  lastIoError: string;
  lastSqlError: string;
  /** Received (MariaDB Gtid_IO_Pos / MySQL Retrieved_Gtid_Set). */
  receivedGtid: string;
}

export interface ServerState {
  flavor: MysqlFlavor;
  version: string;
  readOnly: boolean;
  /** Applied: MariaDB @@gtid_current_pos, MySQL @@gtid_executed. */
  gtid: string;
  replica: ReplicaState | null;
}

/** One administrative session on a MySQL/MariaDB server (mysql2), for promotion and fencing. */
export class MysqlAdmin {
  private constructor(
    private readonly connection: mysql.Connection,
    readonly flavor: MysqlFlavor,
  ) {}

  static async connect(target: MysqlTarget, timeoutMs: number): Promise<MysqlAdmin> {
    const { address } = await target.egress.resolve(target.host);
    const connection = await mysql.createConnection({ host: address, port: target.port, user: target.user, password: target.password, connectTimeout: timeoutMs });
    try {
      const [[row]] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
      return new MysqlAdmin(connection, flavorOf(String(row!.version)));
    } catch (error) {
      await connection.end().catch(() => undefined);
      throw error;
    }
  }

  async state(): Promise<ServerState> {
    const [[vars]] = await this.connection.query<RowDataPacket[]>(
      `SELECT VERSION() AS version, @@global.read_only AS readOnly, ${this.flavor === 'mariadb' ? '@@global.gtid_current_pos' : '@@global.gtid_executed'} AS gtid`,
    );
    const [rows] = await this.connection.query<RowDataPacket[]>(replicaStatusSql(this.flavor));
    const r = rows[0];
    const field = (...names: string[]): unknown => names.map((n) => r?.[n]).find((v) => v !== undefined);
    const replica: ReplicaState | null = r
      ? {
          source: `${String(field('Master_Host', 'Source_Host'))}:${String(field('Master_Port', 'Source_Port'))}`,
          ioRunning: field('Slave_IO_Running', 'Replica_IO_Running') === 'Yes',
          ioState: String(field('Slave_IO_Running', 'Replica_IO_Running') ?? ''),
          sqlRunning: field('Slave_SQL_Running', 'Replica_SQL_Running') === 'Yes',
          secondsBehind: field('Seconds_Behind_Master', 'Seconds_Behind_Source') === null ? null : Number(field('Seconds_Behind_Master', 'Seconds_Behind_Source')),
          lastIoError: String(field('Last_IO_Error') ?? ''),
          lastSqlError: String(field('Last_SQL_Error') ?? ''),
          receivedGtid: String(field('Gtid_IO_Pos', 'Retrieved_Gtid_Set') ?? ''),
        }
      : null;
    return { flavor: this.flavor, version: String(vars!.version), readOnly: Boolean(Number(vars!.readOnly)), gtid: String(vars!.gtid ?? ''), replica };
  }

  async setReadOnly(on: boolean): Promise<void> {
    await this.connection.query(`SET GLOBAL read_only = ${on ? 'ON' : 'OFF'}`);
  }

  /** True when everything received has been applied within `seconds`. */
  async waitApplied(gtid: string, seconds: number): Promise<boolean> {
    if (!gtid) return true;
    const [[row]] = await this.connection.query<RowDataPacket[]>(waitAppliedSql(this.flavor), [gtid, seconds]);
    return Number(row!.waited) === 0;
  }

  /**
   * Stops only the receiving (IO) thread; what was received is still applied. A MariaDB semi-sync replica's STOP
   * first connects to its source to end the source's dump thread, and waits for that up to
   * `rpl_semi_sync_slave_kill_conn_timeout` (5 s by default; ≈ 2 s seen against a vanished host; switching the
   * replica's semi-sync off first does not avoid it, tried). When the source is known to be gone (`sourceGone`: a
   * failover) that wait only delays the promotion, so it is cut to 1 s for this one statement and the server's own
   * value put back after. A failover also stops every replica's IO thread side by side, not one after the other.
   */
  async stopReceiving(sourceGone = false): Promise<void> {
    const previous = sourceGone && this.flavor === 'mariadb' ? await this.killConnTimeout() : undefined;
    const shorten = previous !== undefined && previous > 1;
    // Best effort: a server that refuses the SET still stops, only more slowly.
    const lowered = shorten && (await this.connection.query('SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout = 1').then(() => true, () => false));
    try {
      await this.connection.query(`${stopReplicaSql(this.flavor)} IO_THREAD`);
    } finally {
      if (lowered) {
        await this.connection.query('SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout = ?', [previous]).catch((error: unknown) => {
          // Harmless to replication (it only shortens a later STOP's goodbye), but not what the operator configured.
          console.warn(`rpl_semi_sync_slave_kill_conn_timeout left at 1 (was ${previous}): ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    }
  }

  /** The server's `rpl_semi_sync_slave_kill_conn_timeout` (seconds), or undefined where it does not exist. */
  private async killConnTimeout(): Promise<number | undefined> {
    try {
      const [[row]] = await this.connection.query<RowDataPacket[]>('SELECT @@global.rpl_semi_sync_slave_kill_conn_timeout AS t');
      return row ? Number(row.t) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops replicating and forgets the source: the server is now a primary (still read-only until told). */
  async detach(): Promise<void> {
    await this.connection.query(stopReplicaSql(this.flavor));
    await this.connection.query(resetReplicaSql(this.flavor));
  }

  /**
   * Replicates from a new source with GTID auto-positioning. A former primary (`ownHistory`) starts from what it
   * wrote itself: on MariaDB its replica position is set to its binlog position first (MySQL's auto-position
   * already counts gtid_executed).
   */
  async replicateFrom(source: SourceSettings, ownHistory = false): Promise<void> {
    await this.connection.query(stopReplicaSql(this.flavor));
    if (ownHistory && this.flavor === 'mariadb') await this.connection.query('SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos');
    // A demoted primary must stop waiting for semi-sync acknowledgements of what it now only applies.
    if (ownHistory) await this.connection.query('SET GLOBAL rpl_semi_sync_master_enabled = OFF').catch(() => undefined);
    await this.connection.query(changeSourceSql(this.flavor), [source.host, source.port, source.user, source.password]);
    await this.connection.query(startReplicaSql(this.flavor));
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => undefined);
  }

  /**
   * Ends the session the moment `signal` aborts (a run's worker standing down, an operator's abort): the statement
   * under way fails at once instead of finishing on a run another watchdog may now own. Returns the unsubscribe.
   */
  abortOn(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => undefined;
    const cut = (): void => this.connection.destroy();
    if (signal.aborted) cut();
    else signal.addEventListener('abort', cut, { once: true });
    return () => signal.removeEventListener('abort', cut);
  }
}
