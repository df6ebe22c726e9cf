import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { VigiaConfig } from '#lib/config';

export const RUN_CHANNEL = 'vigia_run_updates';
export const RUN_TRIGGER = 'runUpdated';

/** What a worker announces about a run: a status change, a step checkpoint, or a piece of live output. */
export interface RunEvent {
  tenantId: string;
  runId: string;
  kind: 'status' | 'step' | 'output';
  status?: string;
  step?: string;
  stream?: string;
  text?: string;
}

/** Worker side: NOTIFY (payloads kept under PostgreSQL's 8 kB limit). */
@Injectable()
export class RunAnnouncer {
  constructor(private readonly dataSource: DataSource) {}

  async announce(event: RunEvent): Promise<void> {
    const payload = JSON.stringify({ ...event, text: event.text?.slice(0, 3500) });
    await this.dataSource.query('SELECT pg_notify($1, $2)', [RUN_CHANNEL, payload]).catch(() => undefined);
  }
}

/** API side: one LISTEN connection per process, fanned out to GraphQL subscribers. Reconnects by itself. */
@Injectable()
export class RunFeed implements OnModuleInit, OnModuleDestroy {
  readonly pubsub = new PubSub();
  private readonly logger = new Logger('RunFeed');
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
      if (message.channel !== RUN_CHANNEL || !message.payload) return;
      try {
        void this.pubsub.publish(RUN_TRIGGER, JSON.parse(message.payload) as RunEvent);
      } catch {
        this.logger.warn('ignored a malformed run notification');
      }
    });
    client.on('error', (error) => this.reconnect(error));
    client.on('end', () => this.reconnect(new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${RUN_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.reconnect(error);
    }
  }

  private reconnect(error: unknown): void {
    if (this.closed || this.retry) return;
    this.logger.warn(`run feed lost (${error instanceof Error ? error.message : String(error)}); reconnecting`);
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, 1000);
  }
}
