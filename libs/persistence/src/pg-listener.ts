import { Logger } from '@nestjs/common';
import pg from 'pg';

export interface ListenerHooks {
  /** Told when the LISTEN is in place (after each reconnect too: what was sent meanwhile was missed). */
  listening?: () => void;
  /** Told when it is lost: the connection failed, ended, or stopped answering its liveness check. */
  lost?: () => void;
  /**
   * A LISTEN connection never sends, so a path that silently drops packets (no reset) would leave it deaf for ever
   * while it looks fine: every `checkEveryMs` (default 15 s) it runs `SELECT 1`, and gives the connection up when no
   * answer comes within `checkTimeoutMs` (default 10 s).
   */
  checkEveryMs?: number;
  checkTimeoutMs?: number;
}

/**
 * One dedicated connection that LISTENs on one channel or several and hands each payload to `onPayload` (with its
 * channel); it reconnects by itself (a second later) when the connection is lost. Used by the API processes to fan
 * NOTIFYs out to GraphQL subscribers, and by the watchdog's fleet and inbox wake-ups (two channels, one connection).
 */
export class PgChannelListener {
  private readonly logger: Logger;
  /** The connection in use (or being opened); events of any other (a failed or replaced one) are ignored. */
  private client?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private check?: NodeJS.Timeout;
  private readonly channels: readonly string[];

  constructor(
    private readonly databaseUrl: string | undefined,
    channel: string | readonly string[],
    private readonly onPayload: (payload: string, channel: string) => void,
    private readonly hooks: ListenerHooks = {},
  ) {
    this.channels = typeof channel === 'string' ? [channel] : channel;
    for (const name of this.channels) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid channel name ${name}`);
    this.logger = new Logger(`listen:${this.channels.join(',')}`);
  }

  async start(): Promise<void> {
    // pg's own deadlines (as HeldConnection's) bound the liveness check's SELECT 1 and the connection attempt: a
    // reconnect over a path that is still silent fails and is tried again, instead of waiting for the OS's TCP timeout.
    const deadline = this.hooks.checkTimeoutMs ?? 10_000;
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 10_000, query_timeout: deadline, connectionTimeoutMillis: deadline });
    this.client = client;
    client.on('notification', (message) => {
      if (client === this.client && this.channels.includes(message.channel) && message.payload) this.onPayload(message.payload, message.channel);
    });
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const name of this.channels) await client.query(`LISTEN ${name}`);
      if (client !== this.client) return;
      this.watch(client);
      this.hooks.listening?.();
    } catch (error) {
      this.reconnect(client, error);
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.check);
    await this.client?.end().catch(() => undefined);
  }

  private watch(client: pg.Client): void {
    clearInterval(this.check);
    this.check = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.reconnect(client, error));
    }, this.hooks.checkEveryMs ?? 15_000);
    this.check.unref();
  }

  private reconnect(client: pg.Client, error: unknown): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    clearInterval(this.check);
    // Ended so that it cannot deliver anything more, nor reconnect a second time (its events are ignored from now).
    void client.end().catch(() => undefined);
    this.hooks.lost?.();
    this.logger.warn(`lost (${error instanceof Error ? error.message : String(error)}); reconnecting`);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, 1000);
  }
}
