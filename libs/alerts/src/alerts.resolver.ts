import { Args, Field, ID, InputType, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ConnectionType, PageArgs, VisibleText } from '#lib/common';
import { Incident } from '#lib/incidents';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { AlertChannel, ChannelType } from './alert-channel.entity.js';
import { AlertsService } from './alerts.service.js';
import { CHANNEL_KINDS } from './channels/channel-kinds.js';
import { Notification } from './notification.entity.js';

@InputType()
export class CreateAlertChannelInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field(() => ChannelType) @IsEnum(ChannelType) type: ChannelType;
  @Field(() => GraphQLJSONObject, { description: CHANNEL_KINDS.map((k) => k.configHint).join('; ') }) @IsObject() config: Record<string, unknown>;
  @Field({ nullable: true, description: "The channel's credential: PagerDuty routing key, Opsgenie API key, webhook signing secret, a chat's webhook URL, bot token, Twilio auth token, Vonage API secret or private key; stored sealed, never shown" })
  @IsOptional() @IsString() @MaxLength(4096) secret?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

const AlertChannelConnection = ConnectionType(AlertChannel, 'AlertChannel');

@Resolver(() => AlertChannel)
export class AlertsResolver {
  constructor(private readonly alerts: AlertsService) {}

  @Query(() => AlertChannelConnection)
  alertChannels(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.alerts.list(principal, page);
  }

  @RequireRole(Role.admin)
  @Mutation(() => AlertChannel)
  createAlertChannel(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateAlertChannelInput): Promise<AlertChannel> {
    return this.alerts.create(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => AlertChannel, { description: 'Replace a channel’s settings (omit the secret to keep it; an empty secret removes it)' })
  updateAlertChannel(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: CreateAlertChannelInput,
  ): Promise<AlertChannel> {
    return this.alerts.update(principal, id, input);
  }

  @ResolveField(() => Boolean, { description: 'Whether a secret is stored (sealed; its value is never shown)' })
  hasSecret(@Parent() channel: AlertChannel): boolean {
    return channel.secretSealed !== null;
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  deleteAlertChannel(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.alerts.scope.delete(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Notification, { description: 'Queue a test message to this channel; see its status and attempts' })
  testAlertChannel(@CurrentPrincipal() principal: Principal, @Args('channelId', { type: () => ID }) channelId: string): Promise<Notification> {
    return this.alerts.test(principal, channelId);
  }
}

@Resolver(() => Incident)
export class IncidentNotificationsResolver {
  constructor(private readonly alerts: AlertsService) {}

  @ResolveField(() => [Notification], { description: 'Alerts sent (or being sent) for this incident' })
  notifications(@CurrentPrincipal() principal: Principal, @Parent() incident: Incident): Promise<Notification[]> {
    return this.alerts.deliveryLog(principal, incident.id);
  }
}
