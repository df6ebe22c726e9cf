import { Args, Field, ID, InputType, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { ContactKind, ContactMethod, NotificationRule, PhoneMode } from './contact-method.entity.js';
import { PeopleService } from './people.service.js';

@InputType()
export class ContactMethodInput {
  @Field(() => ID, { nullable: true, description: 'Default: yourself' }) @IsOptional() @IsUUID('all', { message: 'must be the id of a user of this tenant' }) userId?: string;
  @Field(() => ContactKind) @IsEnum(ContactKind, { message: 'must be email, phone, slack, telegram, teams, discord or mattermost' }) kind: ContactKind;
  @Field() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(254) address: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) label?: string;
}

@InputType()
export class NotificationRuleInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be the id of one of this person’s contact methods' }) contactMethodId: string;
  @Field(() => Int, { description: 'Minutes after the person is paged' }) @IsInt({ message: 'must be a whole number of minutes' }) @Min(0, { message: 'must be 0 or more' }) @Max(1440, { message: 'must be at most 1440 (a day)' }) delayMinutes: number;
  @Field(() => PhoneMode, { nullable: true }) @IsOptional() @IsEnum(PhoneMode, { message: 'must be sms or voice' }) phoneMode?: PhoneMode;
}

@InputType()
export class NotificationRulesInput {
  @Field(() => ID, { nullable: true, description: 'Default: yourself' }) @IsOptional() @IsUUID('all', { message: 'must be the id of a user of this tenant' }) userId?: string;
  @Field(() => [NotificationRuleInput]) @IsArray() @ArrayMaxSize(10, { message: 'at most 10 rules' }) @ValidateNested({ each: true }) @Type(() => NotificationRuleInput) rules: NotificationRuleInput[];
}

@Resolver()
export class PeopleResolver {
  constructor(private readonly people: PeopleService) {}

  @Query(() => [ContactMethod], { description: 'A person’s contact methods (default: yours)' })
  async contactMethods(@CurrentPrincipal() principal: Principal, @Args('userId', { type: () => ID, nullable: true }) userId?: string): Promise<ContactMethod[]> {
    return this.people.list(principal.tenantId, await this.people.whose(principal, userId));
  }

  @Query(() => [NotificationRule], { description: 'A person’s notification rules (default: yours); none: an e-mail to their login address at once' })
  async notificationRules(@CurrentPrincipal() principal: Principal, @Args('userId', { type: () => ID, nullable: true }) userId?: string): Promise<NotificationRule[]> {
    return this.people.rulesOf(principal.tenantId, await this.people.whose(principal, userId));
  }

  @RequireRole(Role.viewer)
  @Mutation(() => ContactMethod)
  addContactMethod(@CurrentPrincipal() principal: Principal, @Args('input') input: ContactMethodInput): Promise<ContactMethod> {
    return this.people.addContactMethod(principal, input);
  }

  @RequireRole(Role.viewer)
  @Mutation(() => Boolean)
  removeContactMethod(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.people.removeContactMethod(principal, id);
  }

  @RequireRole(Role.viewer)
  @Mutation(() => [NotificationRule], { description: 'Replaces a person’s rules (default: yours), all or nothing' })
  setNotificationRules(@CurrentPrincipal() principal: Principal, @Args('input') input: NotificationRulesInput): Promise<NotificationRule[]> {
    return this.people.setRules(principal, input.userId, input.rules);
  }
}
