import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { VigiaConfig } from '#lib/config';
import { PgChannelListener } from '#lib/persistence';
import { INBOX_CHANNEL } from '#lib/vantages';

/** NOTIFYed at commit by every write that changes what is probed or who votes (migration FleetChangeNotify). */
export const FLEET_CHANNEL = 'vigia_fleet';
/** Tables (the notification's payload) whose writes change who votes, not what is probed. */
const VOTER_TABLES = new Set(['monitor_vantages', 'tenant_vantage_defaults', 'vantages']);
/**
 * The whole fleet is read again although nothing announced a change: every minute while the announcements cannot be
 * heard (the fingerprints do not see an SSH credential's key), every ten minutes while they are (a safety net only:
 * every input of a probe target announces its writes). At 20,000 monitors each re-read cost a watchdog, and the
 * agents' gateway per agent, about half a core for a second; all of them at the same minute held the agents' probes
 * back by seconds (docs/performance.md, 2026-12-04).
 */
const REREAD_UNHEARD_MS = 60_000;
const REREAD_HEARD_MS = 600_000;

/**
 * Whether the fleet may have changed, without asking the database: a counter bumped by each `vigia_fleet`
 * notification and whenever the LISTEN is (re)established (what was sent while it was down is lost). While not
 * listening, `token()` is undefined and the callers compute their fingerprints as before. Replaces one scan of the
 * whole catalog per watchdog per second (and per agent gateway every two).
 *
 * The same connection hears `vigia_inbox` (an agent's results stored for a watchdog, see `ResultInbox`): one LISTEN
 * per process, and the owning watchdog takes them at once instead of at its next poll.
 */
@Injectable()
export class FleetChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener?: PgChannelListener;
  /** Monitors, hosts, MySQL groups (what is probed, and how) and assignments, vantages (who votes). */
  private catalog = 0;
  private voters = 0;
  private listening = false;
  private readonly inboxListeners = new Set<(owner: string) => void>();
  /** Each process's own share of the heard bound (75–100 %): processes started together do not re-read together. */
  private readonly spread = 0.75 + Math.random() * 0.25;

  constructor(private readonly config: VigiaConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new PgChannelListener(this.config.databaseUrl, [FLEET_CHANNEL, INBOX_CHANNEL], (payload, channel) => {
      if (channel === INBOX_CHANNEL) this.toInbox(payload);
      else if (VOTER_TABLES.has(payload)) this.voters++;
      else this.catalog++;
    }, {
      // Either way an announcement may have been missed: the inbox's listeners are told that anything may wait ('-').
      listening: () => {
        this.catalog++;
        this.voters++;
        this.listening = true;
        this.toInbox('-');
      },
      lost: () => {
        this.listening = false;
        this.toInbox('-');
      },
    });
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.listening = false;
    await this.listener?.stop();
  }

  /** How long a full read of the fleet (or of an agent's assignment) stands when no announcement says it changed. */
  rereadMs(): number {
    return this.listening ? REREAD_HEARD_MS * this.spread : REREAD_UNHEARD_MS;
  }

  /** Whether notifications are heard now (while not, callers poll as they did). */
  get isListening(): boolean {
    return this.listening;
  }

  /** Called with the owner (a watchdog instance id, or `-` for none) of each inbox row stored; returns its removal. */
  onInbox(listener: (owner: string) => void): () => void {
    this.inboxListeners.add(listener);
    return () => this.inboxListeners.delete(listener);
  }

  private toInbox(owner: string): void {
    for (const listener of this.inboxListeners) listener(owner);
  }

  /** Changes whenever the fleet may have changed; undefined while the notifications cannot be heard (ask the database). */
  token(): string | undefined {
    return this.listening ? `notified:${this.catalog}:${this.voters}` : undefined;
  }

  /**
   * The same, in two parts: what is probed (a change needs the monitors read again) and who votes (the assignments
   * resolved again, for the monitors already held). A vantage judged impaired or healthy again changes only the second.
   */
  tokens(): { catalog: string; voters: string } | undefined {
    return this.listening ? { catalog: `notified:${this.catalog}`, voters: `notified:${this.voters}` } : undefined;
  }
}
