import { Args, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { MailCatcher, TenantMailSettings } from '#lib/mail';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';

@ObjectType('CaughtMail', { description: 'An e-mail of this tenant kept by the mail catcher instead of sent' })
class CaughtMailType {
  @Field(() => ID) id: string;
  @Field() to: string;
  @Field() subject: string;
  @Field() text: string;
  @Field() html: string;
  @Field(() => GraphQLJSONObject) headers: Record<string, string>;
  @Field() caughtAt: Date;
}

/**
 * What the mail catcher kept (the tenant's transport is `catcher`: the live demo's). Operators and above: alert
 * e-mails carry acknowledgement links, which viewers are not shown.
 */
@Resolver()
export class MailCatcherResolver {
  constructor(
    private readonly catcher: MailCatcher,
    private readonly settings: TenantMailSettings,
  ) {}

  @Query(() => [CaughtMailType], { description: 'E-mails the mail catcher kept for this tenant, newest first' })
  @RequireRole(Role.operator)
  caughtMails(@CurrentPrincipal() principal: Principal, @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number) {
    return this.catcher.list(principal.tenantId, limit);
  }

  @Query(() => String, { description: 'How this tenant\'s e-mail leaves Vigia: platform (the service\'s relay), relay (its own) or catcher (kept, shown under caughtMails); see mailSettings' })
  mailTransport(@CurrentPrincipal() principal: Principal) {
    return this.settings.transportOf(principal.tenantId);
  }
}
