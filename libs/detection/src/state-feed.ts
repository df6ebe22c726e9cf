import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import pg from 'pg';
import { VigiaConfig } from '#lib/config';

export const STATE_CHANNEL = 'vigia_monitor_state';
export const STATE_TRIGGER = 'monitorStateChanged';

/** What a watchdog announces for each health change (kept well under PostgreSQL's 8 kB NOTIFY limit). */
export interface StateEvent {
  tenantId: string;
  monitorId: string;
  from: string;
  to: string;
  at: string;
  flapping: boolean;
  reason: string;
}

/**
 * Live state for the API: watchdogs (any process, any replica) NOTIFY on commit of a change; each API process
 * LISTENs on one dedicated connection and fans the events out to its GraphQL subscribers. Reconnects by itself.
 */
@Injectable()
export class StateFeed implements OnModuleInit, OnModuleDestroy {
  readonly pubsub = new PubSub();
  private readonly logger = new Logger('StateFeed');
  private client?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly config: VigiaConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel !== STATE_CHANNEL || !message.payload) return;
      try {
        void this.pubsub.publish(STATE_TRIGGER, JSON.parse(message.payload) as StateEvent);
      } catch {
        this.logger.warn('ignored a malformed state notification');
      }
    });
    client.on('error', (error) => this.reconnect(error));
    client.on('end', () => this.reconnect(new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${STATE_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.reconnect(error);
    }
  }

  private reconnect(error: unknown): void {
    if (this.closed || this.retry) return;
    this.logger.warn(`state feed lost (${error instanceof Error ? error.message : String(error)}); reconnecting`);
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, 1000);
  }
}
