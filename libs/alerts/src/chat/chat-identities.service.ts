import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { isUuid, VigiaException } from '#lib/common';
import { IncidentsService } from '#lib/incidents';
import { ContactKind, PagingTargets } from '#lib/oncall';
import { ActorNames, type Principal } from '#lib/tenancy';
import { incidentIdOf } from '../channels/chat-text.js';
import { E164 } from '../channels/twilio-api.js';
import { ChatIdentity } from './chat-identity.entity.js';

export const CHAT_PROVIDERS = ['slack', 'telegram', 'sms'] as const;
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];

const PROVIDER_NAMES: Record<ChatProvider, string> = { slack: 'Slack', telegram: 'Telegram', sms: 'SMS' };

/** How each provider's user ids look: Slack's U…/W…, Telegram's number, a phone number in E.164 for SMS replies. */
const USER_ID: Record<ChatProvider, [RegExp, string]> = {
  slack: [/^[UW][A-Z0-9]{6,20}$/, 'must be a Slack user id (U… or W…)'],
  telegram: [/^\d{1,20}$/, 'must be a Telegram user id (a number)'],
  sms: [E164, 'must be a phone number in E.164 form (+ then country code and number)'],
};

/** The on-call contact kind that holds the same chat accounts (a person's own Slack or Telegram contact). */
const CONTACT_KIND: Partial<Record<ChatProvider, ContactKind>> = { slack: ContactKind.slack, telegram: ContactKind.telegram };

/**
 * Who a chat user is in Vigia: a person's own chat contact (on-call's contact methods, the one place people keep
 * their accounts), or a mapping an administrator made (`chat_identities`, for chat users who keep no contact, and
 * for SMS: a phone number is not unique to one person). One chat user is one Vigia user — a second mapping, or a
 * mapping of another person's contact, is refused — and acknowledgements from the chat are made in that user's name.
 */
@Injectable()
export class ChatIdentities {
  private readonly logger = new Logger('ChatAcks');

  constructor(
    @InjectRepository(ChatIdentity) private readonly identities: Repository<ChatIdentity>,
    private readonly actors: ActorNames,
    private readonly incidents: IncidentsService,
    private readonly targets: PagingTargets,
  ) {}

  /** The Vigia user a chat user is: the administrator's mapping, else the person whose own contact it is. */
  private async userOf(tenantId: string, provider: ChatProvider, chatUserId: string): Promise<string | undefined> {
    const mapped = await this.identities.findOneBy({ tenantId, provider, chatUserId });
    if (mapped) return mapped.userId;
    const kind = CONTACT_KIND[provider];
    return kind ? this.targets.chatUser(tenantId, kind, chatUserId) : undefined;
  }

  list(principal: Principal): Promise<ChatIdentity[]> {
    return this.identities.find({ where: { tenantId: principal.tenantId }, order: { provider: 'ASC', chatUserId: 'ASC' } });
  }

  async map(principal: Principal, input: { provider: string; chatUserId: string; userId: string }): Promise<ChatIdentity> {
    if (!(CHAT_PROVIDERS as readonly string[]).includes(input.provider)) throw VigiaException.invalid('input.provider', `must be one of ${CHAT_PROVIDERS.join(', ')}`);
    const provider = input.provider as ChatProvider;
    const chatUserId = input.chatUserId.trim();
    const [pattern, words] = USER_ID[provider];
    if (!pattern.test(chatUserId)) throw VigiaException.invalid('input.chatUserId', words);
    // Another tenant's user is not found, like any id of another tenant; a disabled one cannot acknowledge.
    if (!isUuid(input.userId) || !(await this.actors.activeUser(principal.tenantId, input.userId))) throw VigiaException.notFound('user', 'input.userId');
    const taken = await this.identities.findOneBy({ tenantId: principal.tenantId, provider, chatUserId });
    if (taken) throw new VigiaException('DUPLICATE', `input.chatUserId: this ${PROVIDER_NAMES[provider]} user is already mapped to a Vigia user; remove that mapping first`, 'input.chatUserId');
    const kind = CONTACT_KIND[provider];
    const contactOf = kind && (await this.targets.chatUser(principal.tenantId, kind, chatUserId));
    if (contactOf && contactOf !== input.userId) throw new VigiaException('DUPLICATE', `input.chatUserId: this ${PROVIDER_NAMES[provider]} user is another Vigia user's own contact; one chat user is one person`, 'input.chatUserId');
    // The unique index settles two mappings saved at once: the second fails as a duplicate.
    return this.identities.save({ id: randomUUID(), tenantId: principal.tenantId, provider, chatUserId, userId: input.userId });
  }

  async unmap(principal: Principal, id: string): Promise<boolean> {
    if (!isUuid(id)) throw VigiaException.notFound('chat identity');
    const { affected } = await this.identities.delete({ id, tenantId: principal.tenantId });
    if (!affected) throw VigiaException.notFound('chat identity');
    return true;
  }

  /**
   * An acknowledgement from a chat: made as the mapped Vigia user (`jane@acme.test via Telegram`), which stops
   * escalation as any acknowledgement does; refused and logged for a chat user nobody mapped (or mapped to a user
   * since disabled). `reply` is what the chat is told of a refusal.
   */
  async acknowledge(channel: { tenantId: string; name: string }, provider: ChatProvider, chatUserId: string, dedupKey: string): Promise<{ ok: boolean; reply: string }> {
    const incidentId = incidentIdOf(dedupKey);
    if (!incidentId) return { ok: false, reply: 'That is not an incident.' };
    const userId = await this.userOf(channel.tenantId, provider, chatUserId);
    const email = userId && (await this.actors.activeUser(channel.tenantId, userId));
    if (!email) {
      this.logger.warn(`refused an acknowledgement of incident ${incidentId} from unmapped ${PROVIDER_NAMES[provider]} user ${chatUserId} (channel "${channel.name}")`);
      return { ok: false, reply: `Not acknowledged: your ${PROVIDER_NAMES[provider]} account is not mapped to a Vigia user. Add ${chatUserId} as your own ${PROVIDER_NAMES[provider]} contact (On call → How people are paged), or ask an administrator to map it.` };
    }
    const done = await this.incidents.acknowledge(channel.tenantId, incidentId, `${email} via ${PROVIDER_NAMES[provider]}`);
    return done ? { ok: true, reply: `Acknowledged by ${email}.` } : { ok: true, reply: 'Already acknowledged or resolved.' };
  }
}
