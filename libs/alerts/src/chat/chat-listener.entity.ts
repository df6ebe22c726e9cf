import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AlertChannel } from '../alert-channel.entity.js';

/**
 * Which process listens to a channel's chat for acknowledgements (one at a time across replicas: Telegram allows one
 * `getUpdates` poller per bot), until when, and where it has read to (Telegram's update offset).
 */
@Entity('chat_listeners')
export class ChatListener {
  @PrimaryColumn({ type: 'uuid' }) channelId: string;
  @ManyToOne(() => AlertChannel, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'channel_id' }) channel?: AlertChannel;
  @Column({ type: 'uuid' }) owner: string;
  @Column({ type: 'timestamptz' }) leaseUntil: Date;
  @Column({ type: 'text', nullable: true }) cursor: string | null;
}
