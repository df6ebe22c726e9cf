import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { DataSource } from 'typeorm';
import { VigiaConfig } from '#lib/config';
import { PgChannelListener } from '#lib/persistence';

export const RUN_CHANNEL = 'vigia_run_updates';
export const RUN_TRIGGER = 'runUpdated';

/** What a worker announces about a run: a status change, a step checkpoint, or a piece of live output. */
export interface RunEvent {
  tenantId: string;
  /** Empty for a `decision` event (no run involved). */
  runId: string;
  /** The run's resource: a status change, or a `resource` event (primary, fencing, drained changed by a step). */
  resourceId?: string | null;
  kind: 'status' | 'step' | 'output' | 'resource' | 'decision';
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
  private readonly listener: PgChannelListener;

  constructor(config: VigiaConfig) {
    this.listener = new PgChannelListener(config.databaseUrl, RUN_CHANNEL, (payload) => {
      try {
        void this.pubsub.publish(RUN_TRIGGER, JSON.parse(payload) as RunEvent);
      } catch {
        this.logger.warn('ignored a malformed run notification');
      }
    });
  }

  onModuleInit(): Promise<void> {
    return this.listener.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.listener.stop();
  }
}
