import { Inject } from '@nestjs/common';
import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assertUuid, CLOCK, type Clock, VigiaException } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { emailAddress, Mailer, TenantMailSettings, type MailSettings } from '#lib/mail';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { AlertChannel } from './alert-channel.entity.js';
import { Notification } from './notification.entity.js';

@ObjectType('MailRelay', { description: 'The tenant’s own SMTP relay; its password is never shown' })
class MailRelayType {
  @Field() host: string;
  @Field(() => Int) port: number;
  @Field({ description: 'starttls (upgraded, required), tls (implicit, port 465) or none' }) security: string;
  @Field(() => String, { nullable: true }) username: string | null;
  @Field({ description: 'A password is stored (sealed)' }) hasPassword: boolean;
  @Field({ description: 'The relay’s certificate is checked' }) tlsVerify: boolean;
}

@ObjectType('MailSettings', { description: 'How this tenant’s e-mail (alerts, reports) leaves Vigia, and who it is from' })
class MailSettingsType {
  @Field({ description: 'platform (the service’s relay), relay (the tenant’s own SMTP server) or catcher (kept in Vigia, not sent)' }) transport: string;
  @Field(() => String, { nullable: true, description: 'The sender’s name' }) fromName: string | null;
  @Field(() => String, { nullable: true, description: 'The From address on the tenant’s own relay; on the platform’s, the Reply-To' }) fromAddress: string | null;
  @Field(() => String, { nullable: true }) replyTo: string | null;
  @Field(() => MailRelayType, { nullable: true }) relay: MailRelayType | null;
}

@InputType()
class MailRelayInput {
  @Field() @IsString() @MaxLength(253) host: string;
  @Field(() => Int) @IsInt() port: number;
  @Field() @IsString() security: 'starttls' | 'tls' | 'none';
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(254) username?: string | null;
  @Field(() => String, { nullable: true, description: 'Omit to keep the stored one; empty to remove it' }) @IsOptional() @IsString() @MaxLength(1024) password?: string | null;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() tlsVerify?: boolean;
}

@InputType()
export class MailSettingsInput {
  @Field() @IsIn(['platform', 'relay', 'catcher'], { message: 'must be platform, relay or catcher' }) transport: 'platform' | 'relay' | 'catcher';
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() fromName?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() fromAddress?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() replyTo?: string | null;
  @Field(() => MailRelayInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => MailRelayInput) relay?: MailRelayInput | null;
}

@ObjectType('MailTestResult', { description: 'What the relay answered to a test e-mail, or why it could not be sent' })
class MailTestResult {
  @Field() ok: boolean;
  @Field({ description: 'The relay’s answer (250 …), or the error in words' }) response: string;
  @Field(() => Int) durationMs: number;
}

/** A test e-mail that gets no answer within this is reported as failed (the relay's own timeouts are longer). */
const TEST_MAIL_DEADLINE_MS = 12_000;

/** A tenant's e-mail: its transport, sender and relay (Settings → E-mail), and a test sent at once with its outcome. */
@Resolver()
export class MailSettingsResolver {
  constructor(
    private readonly settings: TenantMailSettings,
    private readonly mailer: Mailer,
    private readonly egress: EgressPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => MailSettingsType)
  @RequireRole(Role.operator)
  mailSettings(@CurrentPrincipal() principal: Principal): Promise<MailSettings> {
    return this.settings.get(principal.tenantId);
  }

  @Mutation(() => MailSettingsType, { description: 'Replace the tenant’s e-mail settings (omit relay.password to keep the stored one)' })
  @RequireRole(Role.admin)
  setMailSettings(@CurrentPrincipal() principal: Principal, @Args('input') input: MailSettingsInput): Promise<MailSettings> {
    return this.settings.set(principal.tenantId, input, this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
  }

  @Mutation(() => MailTestResult, { description: 'Send a test e-mail now through the tenant’s transport and say what happened' })
  @RequireRole(Role.admin)
  async sendTestMail(@CurrentPrincipal() principal: Principal, @Args('to') to: string): Promise<MailTestResult> {
    if (!emailAddress.safeParse(to).success) throw VigiaException.invalid('to', 'must be an e-mail address');
    const started = performance.now();
    const at = this.clock.now().toISOString();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the relay within ${TEST_MAIL_DEADLINE_MS / 1000} s`)), TEST_MAIL_DEADLINE_MS);
    });
    try {
      const info = await Promise.race([
        this.mailer.send({ tenantId: principal.tenantId, to, subject: 'Test from Vigia', text: `A test e-mail from Vigia, sent ${at}. If you read this, e-mail works.\n`, html: `<p>A test e-mail from Vigia, sent ${at}.</p><p>If you read this, e-mail works.</p>` }),
        deadline,
      ]);
      return { ok: true, response: info.response, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, response: error instanceof Error ? error.message : String(error), durationMs: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timer);
    }
  }
}

@ObjectType('DeliveryOutcome', { description: 'The latest message to a channel and what became of it' })
class DeliveryOutcomeType {
  @Field(() => ID) notificationId: string;
  @Field() kind: string;
  @Field({ description: 'queued, sending, sent, failed (will retry), dead (gave up) or cancelled' }) status: string;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, in the provider’s words' }) lastError: string | null;
  @Field() at: Date;
}

/** On each channel, its latest delivery (a channel that cannot deliver says so); on each notification, its channel. */
@Resolver(() => AlertChannel)
export class ChannelDeliveryResolver {
  constructor(@InjectRepository(Notification) private readonly notifications: Repository<Notification>) {}

  @ResolveField(() => DeliveryOutcomeType, { nullable: true, description: 'The latest message to this channel and its outcome' })
  async lastDelivery(@Parent() channel: AlertChannel): Promise<DeliveryOutcomeType | null> {
    const latest = await this.notifications.findOne({ where: { tenantId: channel.tenantId, channelId: channel.id }, order: { createdAt: 'DESC' } });
    return latest && { notificationId: latest.id, kind: latest.kind, status: latest.status, lastError: latest.lastError, at: latest.sentAt ?? latest.createdAt };
  }
}

@ObjectType('NotificationChannel', { description: 'Where a notification went' })
class NotificationChannelType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() type: string;
  @Field({ description: 'Who or where it reaches: e-mail addresses, a URL’s host, or the provider' }) target: string;
}

@Resolver(() => Notification)
export class NotificationChannelResolver {
  constructor(@InjectRepository(AlertChannel) private readonly channels: Repository<AlertChannel>) {}

  @ResolveField(() => NotificationChannelType, { nullable: true, description: 'The channel it was sent to (null for a customer notice)' })
  async channel(@Parent() notification: Notification): Promise<NotificationChannelType | null> {
    if (!notification.channelId) return null;
    const channel = await this.channels.findOne({ where: { id: notification.channelId, tenantId: notification.tenantId } });
    return channel && { id: channel.id, name: channel.name, type: channel.type, target: targetOf(channel) };
  }

  @Query(() => Notification, { description: 'One notification (e.g. a test) with its status, to follow its delivery' })
  @RequireRole(Role.operator)
  async notification(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Notification> {
    assertUuid(id, 'id');
    const found = await this.channels.manager.getRepository(Notification).findOne({ where: { id, tenantId: principal.tenantId } });
    if (!found) throw VigiaException.notFound('notification');
    return found;
  }
}

/** What a channel reaches, without its secret: the addresses of an e-mail channel, the host of a URL. */
function targetOf(channel: AlertChannel): string {
  const config = channel.config as { to?: unknown; url?: unknown; apiUrl?: unknown };
  if (Array.isArray(config.to)) return config.to.join(', ');
  for (const url of [config.url, config.apiUrl]) {
    if (typeof url === 'string') {
      try {
        return new URL(url).host;
      } catch {
        return '';
      }
    }
  }
  return channel.type;
}
