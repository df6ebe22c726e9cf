import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { VigiaException, withDatabaseErrors } from '#lib/common';
import { type Principal, Role, roleAtLeast, TenantPeople } from '#lib/tenancy';
import { CHAT_KINDS, ContactKind, ContactMethod, NotificationRule, PhoneMode } from './contact-method.entity.js';

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const CHAT_ID: Partial<Record<ContactKind, { pattern: RegExp; words: string }>> = {
  [ContactKind.telegram]: { pattern: /^\d{1,20}$/, words: 'must be the numeric Telegram user id (what the bot sees as from.id)' },
  [ContactKind.slack]: { pattern: /^[UW][A-Z0-9]{2,20}$/, words: 'must be the Slack member id, e.g. U024BE7LH' },
};

/** Checks an address for its kind; the reason in words, or undefined when it is fine. */
export function addressProblem(kind: ContactKind, address: string): string | undefined {
  if (kind === ContactKind.email) return address.length <= 254 && EMAIL.test(address) ? undefined : 'must be an e-mail address';
  if (kind === ContactKind.phone) return E164.test(address) ? undefined : 'must be a phone number in E.164 form: +, country code and number, no spaces (e.g. +34600111222)';
  const rule = CHAT_ID[kind];
  if (rule) return rule.pattern.test(address) ? undefined : rule.words;
  return address.length >= 1 && address.length <= 128 && !/\s/.test(address) ? undefined : 'must be the chat account id, without spaces';
}

export interface RuleFields {
  contactMethodId: string;
  delayMinutes: number;
  phoneMode?: PhoneMode | null;
}

/** People's contact methods and personal notification rules. Everyone edits their own; admins edit anyone's. */

/** Contact kinds a personal page can reach (e-mail itself; phones, Slack and Telegram through the tenant's channels). */
const PAGEABLE = new Set<ContactKind>([ContactKind.email, ContactKind.phone, ContactKind.slack, ContactKind.telegram]);
@Injectable()
export class PeopleService {
  constructor(
    @InjectRepository(ContactMethod) readonly methods: Repository<ContactMethod>,
    @InjectRepository(NotificationRule) readonly rules: Repository<NotificationRule>,
    private readonly dataSource: DataSource,
    private readonly people: TenantPeople,
  ) {}

  /** The person a call is about: the caller by default; another person only for admins, and only of the tenant. */
  async whose(principal: Principal, userId: string | undefined, field = 'userId'): Promise<string> {
    const who = userId ?? principal.userId;
    if (!who) throw VigiaException.invalid(field, 'an API token has no person of its own; name the user');
    if (who !== principal.userId && !roleAtLeast(principal.role, Role.admin)) throw new VigiaException('FORBIDDEN', 'only admins may change another person’s contacts', field);
    if (!(await this.people.of(principal.tenantId, [who])).has(who)) throw VigiaException.notFound('user', field);
    return who;
  }

  list(tenantId: string, userId: string): Promise<ContactMethod[]> {
    return this.methods.find({ where: { tenantId, userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  rulesOf(tenantId: string, userId: string): Promise<NotificationRule[]> {
    return this.rules.find({ where: { tenantId, userId }, order: { delayMinutes: 'ASC', createdAt: 'ASC' } });
  }

  async addContactMethod(principal: Principal, input: { userId?: string; kind: ContactKind; address: string; label?: string }): Promise<ContactMethod> {
    const userId = await this.whose(principal, input.userId, 'input.userId');
    const address = input.kind === ContactKind.email ? input.address.trim().toLowerCase() : input.address.trim();
    const problem = addressProblem(input.kind, address);
    if (problem) throw VigiaException.invalid('input.address', problem);
    if (CHAT_KINDS.includes(input.kind)) {
      const taken = await this.methods.findOne({ where: { tenantId: principal.tenantId, kind: input.kind, address } });
      if (taken) throw new VigiaException('DUPLICATE', `input.address: this ${input.kind} account is already mapped to ${taken.userId === userId ? 'this person' : 'another person'}; one chat account names one person, or an acknowledgement from it could not say who`, 'input.address');
    }
    try {
      return await withDatabaseErrors(() => this.methods.save(this.methods.create({ tenantId: principal.tenantId, userId, kind: input.kind, address, label: input.label?.trim() || null })));
    } catch (error) {
      // Two saves racing past the check: the partial unique index is the judge, in the same words.
      if (error instanceof VigiaException && error.code === 'DUPLICATE') throw new VigiaException('DUPLICATE', `input.address: this ${input.kind} account is already mapped to another person`, 'input.address');
      throw error;
    }
  }

  async removeContactMethod(principal: Principal, id: string): Promise<boolean> {
    const method = await this.methods.findOne({ where: { id, tenantId: principal.tenantId } });
    if (!method) throw VigiaException.notFound('contact method');
    await this.whose(principal, method.userId, 'id');
    await this.methods.delete({ id: method.id });
    return true;
  }

  /** Replaces a person's rules, all or nothing. */
  async setRules(principal: Principal, userIdArg: string | undefined, input: RuleFields[]): Promise<NotificationRule[]> {
    const userId = await this.whose(principal, userIdArg, 'input.userId');
    const methods = new Map((await this.list(principal.tenantId, userId)).map((m) => [m.id, m]));
    for (const [i, rule] of input.entries()) {
      const method = methods.get(rule.contactMethodId);
      if (!method) throw VigiaException.invalid(`input.rules[${i}].contactMethodId`, 'must be one of this person’s contact methods');
      if (method.kind === ContactKind.phone && !rule.phoneMode) throw VigiaException.invalid(`input.rules[${i}].phoneMode`, 'say sms or voice for a phone');
      if (method.kind !== ContactKind.phone && rule.phoneMode) throw VigiaException.invalid(`input.rules[${i}].phoneMode`, 'only a phone has sms or voice');
      // Teams, Discord and Mattermost reach channels through incoming webhooks, never one person: a rule could not page.
      if (!PAGEABLE.has(method.kind)) throw VigiaException.invalid(`input.rules[${i}].contactMethodId`, `a ${method.kind} account cannot be paged directly (its webhooks post to a channel): page by e-mail, phone, Slack or Telegram`);
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(NotificationRule, { tenantId: principal.tenantId, userId });
      if (input.length) await manager.insert(NotificationRule, input.map((r) => ({ tenantId: principal.tenantId, userId, contactMethodId: r.contactMethodId, delayMinutes: r.delayMinutes, phoneMode: r.phoneMode ?? null })));
    });
    return this.rulesOf(principal.tenantId, userId);
  }
}
