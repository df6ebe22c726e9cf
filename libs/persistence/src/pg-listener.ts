import { Logger } from '@nestjs/common';
import pg from 'pg';

/**
 * One dedicated connection that LISTENs on a channel and hands each payload to `onPayload`; it reconnects by itself
 * (a second later) when the connection is lost. Used by the API processes to fan NOTIFYs out to GraphQL subscribers.
 */
export class PgChannelListener {
  private readonly logger: Logger;
  private client?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string | undefined,
    private readonly channel: string,
    private readonly onPayload: (payload: string) => void,
    /** Told when the LISTEN is in place (after each reconnect too: what was sent meanwhile was missed) and when it is lost. */
    private readonly hooks: { listening?: () => void; lost?: () => void } = {},
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
    this.logger = new Logger(`listen:${channel}`);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload) this.onPayload(message.payload);
    });
    client.on('error', (error) => this.reconnect(error));
    client.on('end', () => this.reconnect(new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.client = client;
      this.hooks.listening?.();
    } catch (error) {
      this.reconnect(error);
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private reconnect(error: unknown): void {
    if (this.closed || this.retry) return;
    this.hooks.lost?.();
    this.logger.warn(`lost (${error instanceof Error ? error.message : String(error)}); reconnecting`);
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, 1000);
  }
}
