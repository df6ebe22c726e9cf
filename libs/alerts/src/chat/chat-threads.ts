import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ThreadStore } from '../channels/channel-kind.js';

/** The `chat_threads` table: an incident's first chat message per channel, and back from a message to its incident. */
@Injectable()
export class ChatThreads implements ThreadStore {
  constructor(private readonly dataSource: DataSource) {}

  async of(channelId: string, dedupKey: string): Promise<string | undefined> {
    const [row]: { external_id: string }[] = await this.dataSource.query('SELECT external_id FROM chat_threads WHERE channel_id = $1 AND dedup_key = $2', [channelId, dedupKey]);
    return row?.external_id;
  }

  async remember(channelId: string, dedupKey: string, externalId: string): Promise<void> {
    await this.dataSource.query('INSERT INTO chat_threads (channel_id, dedup_key, external_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [channelId, dedupKey, externalId]);
  }

  async dedupKeyOf(channelId: string, externalId: string): Promise<string | undefined> {
    const [row]: { dedup_key: string }[] = await this.dataSource.query('SELECT dedup_key FROM chat_threads WHERE channel_id = $1 AND external_id = $2 LIMIT 1', [channelId, externalId]);
    return row?.dedup_key;
  }

  /** The latest incident alerted in this channel (an SMS reply `ACK` without an id). */
  async latest(channelId: string): Promise<string | undefined> {
    const [row]: { dedup_key: string }[] = await this.dataSource.query('SELECT dedup_key FROM chat_threads WHERE channel_id = $1 ORDER BY created_at DESC LIMIT 1', [channelId]);
    return row?.dedup_key;
  }

  /** The incident whose id starts with `shortId` among those alerted in this channel (none when two match). */
  async byShortId(channelId: string, shortId: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{8}$/.test(shortId)) return undefined;
    // One incident may have several threads here (the channel's and personal DMs, `…/dm/<person>`): counted once.
    const rows: { dedup_key: string }[] = await this.dataSource.query("SELECT DISTINCT split_part(dedup_key, '/', 1) AS dedup_key FROM chat_threads WHERE channel_id = $1 AND dedup_key LIKE $2 LIMIT 2", [channelId, `vigia-incident-${shortId}%`]);
    return rows.length === 1 ? rows[0]!.dedup_key : undefined;
  }
}
