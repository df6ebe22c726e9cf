import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PageArgs } from '#lib/common';
import { ApiTokensService } from '../api-tokens.service.js';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiToken } from '../entities/api-token.entity.js';
import { Role } from '../entities/role.js';
import { User } from '../entities/user.entity.js';
import { UsersService } from '../users.service.js';
import { ApiTokenConnection, CreateApiTokenInput, CreatedApiToken, CreateUserInput, UpdateUserInput, UserConnection } from './tenancy.dto.js';

@Resolver(() => User)
export class UsersResolver {
  constructor(
    private readonly people: UsersService,
    private readonly tokens: ApiTokensService,
  ) {}

  @Query(() => UserConnection)
  users(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.people.list(principal, page);
  }

  @Query(() => User)
  user(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<User> {
    return this.people.get(principal, id);
  }

  @RequireRole(Role.admin)
  @Mutation(() => User)
  createUser(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateUserInput): Promise<User> {
    return this.people.create(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => User)
  updateUser(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateUserInput,
  ): Promise<User> {
    return this.people.update(principal, id, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  deleteUser(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.people.delete(principal, id);
  }

  @RequireRole(Role.admin)
  @Query(() => ApiTokenConnection)
  apiTokens(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.tokens.list(principal, page);
  }

  @RequireRole(Role.admin)
  @Mutation(() => CreatedApiToken)
  createApiToken(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateApiTokenInput): Promise<CreatedApiToken> {
    return this.tokens.create(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => ApiToken)
  revokeApiToken(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<ApiToken> {
    return this.tokens.revoke(principal, id);
  }
}
