import { Args, Field, ID, InputType, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { ChatIdentities } from './chat-identities.service.js';
import { ChatIdentity } from './chat-identity.entity.js';

@InputType()
export class MapChatIdentityInput {
  @Field({ description: 'slack, telegram or sms' }) @IsString() @MaxLength(20) provider: string;
  @Field({ description: "Slack user id (U…), Telegram user id (a number), or the phone number (E.164) SMS replies come from" }) @IsString() @MaxLength(40) chatUserId: string;
  @Field(() => ID) @IsString() @MaxLength(40) userId: string;
}

/** Chat users mapped to Vigia users: who may acknowledge from Slack, Telegram or an SMS reply. */
@Resolver(() => ChatIdentity)
export class ChatIdentitiesResolver {
  constructor(private readonly identities: ChatIdentities) {}

  @RequireRole(Role.operator)
  @Query(() => [ChatIdentity])
  chatIdentities(@CurrentPrincipal() principal: Principal): Promise<ChatIdentity[]> {
    return this.identities.list(principal);
  }

  @RequireRole(Role.admin)
  @Mutation(() => ChatIdentity, { description: 'Map a chat user to a Vigia user (one chat user, one Vigia user; a second mapping is refused)' })
  mapChatIdentity(@CurrentPrincipal() principal: Principal, @Args('input') input: MapChatIdentityInput): Promise<ChatIdentity> {
    return this.identities.map(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  unmapChatIdentity(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.identities.unmap(principal, id);
  }
}
