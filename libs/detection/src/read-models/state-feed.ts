import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { VigiaConfig } from '#lib/config';
import { PgChannelListener } from '#lib/persistence';

export const STATE_CHANNEL = 'vigia_monitor_state';
export const STATE_TRIGGER = 'monitorStateChanged';

/** What a watchdog announces for each health change (kept well under PostgreSQL's 8 kB NOTIFY limit). */
export interface StateEvent {
  tenantId: string;
  monitorId: string;
  from: string;
  to: string;
  at: string;
  /** Since when the monitor has its new health (the outage's start for down; MonitorState.since). */
  since: string;
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
  private readonly listener: PgChannelListener;

  constructor(config: VigiaConfig) {
    this.listener = new PgChannelListener(config.databaseUrl, STATE_CHANNEL, (payload) => {
      try {
        void this.pubsub.publish(STATE_TRIGGER, JSON.parse(payload) as StateEvent);
      } catch {
        this.logger.warn('ignored a malformed state notification');
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
