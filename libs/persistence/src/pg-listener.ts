import { Logger } from '@nestjs/common';
import pg from 'pg';

/**
 * One dedicated connection that LISTENs on one channel or several and hands each payload to `onPayload` (with its
 * channel); it reconnects by itself (a second later) when the connection is lost. Used by the API processes to fan
 * NOTIFYs out to GraphQL subscribers, and by the watchdog's fleet and inbox wake-ups (two channels, one connection).
 */
export class PgChannelListener {
  private readonly logger: Logger;
  private client?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private readonly channels: readonly string[];

  constructor(
    private readonly databaseUrl: string | undefined,
    channel: string | readonly string[],
    private readonly onPayload: (payload: string, channel: string) => void,
    /** Told when the LISTEN is in place (after each reconnect too: what was sent meanwhile was missed) and when it is lost. */
    private readonly hooks: { listening?: () => void; lost?: () => void } = {},
  ) {
    this.channels = typeof channel === 'string' ? [channel] : channel;
    for (const name of this.channels) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid channel name ${name}`);
    this.logger = new Logger(`listen:${this.channels.join(',')}`);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (this.channels.includes(message.channel) && message.payload) this.onPayload(message.payload, message.channel);
    });
    client.on('error', (error) => this.reconnect(error));
    client.on('end', () => this.reconnect(new Error('connection ended')));
    try {
      await client.connect();
      for (const name of this.channels) await client.query(`LISTEN ${name}`);
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
