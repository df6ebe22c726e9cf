import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AlertChannel } from '../alert-channel.entity.js';

/**
 * The chat message an incident's alert became in one channel (Slack's `ts`, Telegram's `message_id`): later messages
 * about the incident go in its thread, and a reply to it in the chat acknowledges the incident.
 */
@Entity('chat_threads')
@Index(['channelId', 'externalId'])
export class ChatThread {
  @PrimaryColumn({ type: 'uuid' }) channelId: string;
  @ManyToOne(() => AlertChannel, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'channel_id' }) channel?: AlertChannel;
  /** The message's deduplication key (`vigia-incident-<id>`). */
  @PrimaryColumn({ type: 'text' }) dedupKey: string;
  @Column({ type: 'text' }) externalId: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
