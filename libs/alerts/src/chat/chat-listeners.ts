import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { SecretBox } from '#lib/secrets';
import { AlertChannel } from '../alert-channel.entity.js';
import type { AckContext } from '../channels/channel-kind.js';
import { CHANNEL_KINDS, channelKind } from '../channels/channel-kinds.js';
import { ChatIdentities } from './chat-identities.service.js';
import { ChatThreads } from './chat-threads.js';

/** How long a process holds a channel's listener without renewing (renewed every sweep). */
const LEASE_SECONDS = 30;

interface Running {
  fingerprint: string;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Runs the acknowledgement listeners of chat channels that ask for them (Telegram's long polling, Slack's Socket
 * Mode), in the watchdog role: every sweep (5 s) each such enabled channel is leased in `chat_listeners` — one
 * process per channel across replicas, taken over when a lease runs out — and its listener started, restarted when
 * its settings or secret change, stopped when it is disabled, deleted, or its lease is lost.
 */
@Injectable()
export class ChatListeners implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChatAcks');
  private readonly owner = randomUUID();
  private readonly running = new Map<string, Running>();
  private readonly loop = new PeriodicWorker('chat listeners', () => this.sweep(), { everyMs: 5000, immediate: true, onError: (e) => this.logger.warn(`chat listeners: ${String(e)}`) });
  private sweeping?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly egress: EgressPolicy,
    private readonly threads: ChatThreads,
    private readonly identities: ChatIdentities,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.sweeping;
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
    await this.dataSource.query("UPDATE chat_listeners SET lease_until = '-infinity' WHERE owner = $1", [this.owner]).catch(() => undefined);
  }

  /** Channels whose listener runs in this process (tests wait for it). */
  listening(): string[] {
    return [...this.running.keys()];
  }

  /** One pass (the loop's, or a test's): never two at once. */
  sweep(): Promise<void> {
    this.sweeping ??= this.pass().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async pass(): Promise<void> {
    const types = CHANNEL_KINDS.filter((k) => k.acks).map((k) => k.type);
    const channels = await this.dataSource.getRepository(AlertChannel).find({ where: { type: In(types), enabled: true } });
    const wanted = new Map<string, { channel: AlertChannel; secret: string | null; fingerprint: string }>();
    for (const channel of channels) {
      const secret = channel.secretSealed ? this.box.open(channel.secretSealed, `alert_channels:${channel.id}`) : null;
      if (!channelKind(channel.type)?.acks?.listens(channel, secret) || !(await this.lease(channel.id))) continue;
      const fingerprint = createHash('sha256').update(JSON.stringify(channel.config)).update('\0').update(secret ?? '').digest('hex');
      wanted.set(channel.id, { channel, secret, fingerprint });
    }
    for (const [id, run] of this.running) if (wanted.get(id)?.fingerprint !== run.fingerprint) await this.stop(id);
    for (const [id, { channel, secret, fingerprint }] of wanted) if (!this.running.has(id)) this.start(channel, secret, fingerprint);
  }

  /** Takes or renews this process's lease on a channel's listener; false while another process holds it. */
  private async lease(channelId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO chat_listeners (channel_id, owner, lease_until) VALUES ($1, $2, $3::timestamptz + make_interval(secs => ${LEASE_SECONDS}))
       ON CONFLICT (channel_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
        WHERE chat_listeners.owner = EXCLUDED.owner OR chat_listeners.lease_until < $3
       RETURNING owner`,
      [channelId, this.owner, this.clock.now()],
    );
    return rows.length > 0;
  }

  private start(channel: AlertChannel, secret: string | null, fingerprint: string): void {
    const kind = channelKind(channel.type)!;
    const abort = new AbortController();
    const context: AckContext = {
      egress: this.egress.guard({ tenantId: channel.tenantId, vantage: 'platform' }),
      signal: abort.signal,
      threads: this.threads,
      acknowledge: (chatUserId, dedupKey) => this.identities.acknowledge(channel, kind.acks!.chat, chatUserId, dedupKey),
      cursor: async () => ((await this.dataSource.query('SELECT cursor FROM chat_listeners WHERE channel_id = $1', [channel.id])) as { cursor: string | null }[])[0]?.cursor ?? null,
      saveCursor: async (cursor) => void (await this.dataSource.query('UPDATE chat_listeners SET cursor = $2 WHERE channel_id = $1 AND owner = $3', [channel.id, cursor, this.owner])),
      log: (line) => this.logger.warn(`channel "${channel.name}" (${channel.type}): ${line}`),
    };
    const done = kind.acks!
      .listen(channel, secret, context)
      .catch((e: unknown) => context.log(`listener stopped: ${String(e)}`))
      // A listener that ended on its own is started again by the next sweep.
      .finally(() => this.running.get(channel.id)?.abort === abort && this.running.delete(channel.id));
    this.running.set(channel.id, { fingerprint, abort, done });
  }

  private async stop(channelId: string): Promise<void> {
    const run = this.running.get(channelId);
    if (!run) return;
    this.running.delete(channelId);
    run.abort.abort();
    await run.done;
  }
}
