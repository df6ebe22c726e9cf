import pg from 'pg';

/** Whatever runs one SQL statement: the DataSource (its pool) or a HeldConnection. */
export interface SqlRunner {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * One connection of its own, outside the pool, for a small write that must not wait behind the pool: a liveness
 * heartbeat. At start-up under load, opening a pooled connection (the pool grows on demand) took 1.5–5.4 s on the
 * 2-core machine of docs/performance.md, longer than a watchdog's silence bound — the other watchdogs judged a live
 * one silent and paged (bench:vantages at 6,000 monitors × 3 vantages). Held, the beat's UPDATE costs one round trip.
 *
 * Every query has a deadline; after any error the connection is dropped and the next query opens a new one (the
 * database restarted, failed over, or a path that lost packets without a reset — which would otherwise hold the
 * heartbeat in a query for minutes).
 */
export class HeldConnection {
  private client?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private closed = false;
  /** Queries run one at a time, in order (pg deprecates a second query on a client still running one). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string | undefined,
    /** The most one query (or opening the connection) may take, ms. */
    private readonly deadlineMs: number,
    private readonly applicationName = 'vigia',
  ) {}

  query<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
    const run = this.tail.then(() => this.run<T>(sql, params));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async run<T>(sql: string, params: unknown[]): Promise<T[]> {
    const client = await this.open();
    try {
      return (await client.query(sql, params)).rows as T[];
    } catch (error) {
      this.drop(client);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private open(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.databaseUrl,
        application_name: this.applicationName,
        connectionTimeoutMillis: this.deadlineMs,
        query_timeout: this.deadlineMs,
      });
      // A connection lost while idle: dropped, the next query opens another.
      client.on('error', () => this.drop(client));
      try {
        await client.connect();
      } catch (error) {
        void client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private drop(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
  }
}
