import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from '../auth/auth.service.js';
import { BearerToken, ClientIp, CurrentPrincipal, Public, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { Role } from '../entities/role.js';
import { UsersService } from '../users.service.js';
import { ChangePasswordInput, LoginInput, LoginResult, Me, PasswordChanged, UpdateTenantBrandingInput, UpdateTenantInput } from './tenancy.dto.js';
import { Tenant } from '../entities/tenant.entity.js';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Mutation(() => LoginResult, { description: 'Exchange a password for a session token' })
  login(@Args('input') input: LoginInput, @ClientIp() ip: string): Promise<LoginResult> {
    return this.auth.login(input.tenant, input.email, input.password, ip);
  }

  @RequireRole(Role.viewer)
  @Mutation(() => Boolean, { description: 'End the current session' })
  async logout(@CurrentPrincipal() principal: Principal, @BearerToken() bearer: string): Promise<boolean> {
    await this.auth.logout(principal, bearer);
    return true;
  }

  @Query(() => Me)
  async me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    const tenant = await this.users.tenantOf(principal);
    const user = principal.userId ? await this.users.get(principal, principal.userId) : undefined;
    return { tenant, role: principal.role, user, apiTokenId: principal.tokenId };
  }

  @RequireRole(Role.owner)
  @Mutation(() => Tenant, { description: "Rename the tenant or set its time zone (owners only)" })
  updateTenant(@CurrentPrincipal() principal: Principal, @Args('input') input: UpdateTenantInput): Promise<Tenant> {
    return this.users.updateTenant(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Tenant, { description: "Set the logo and brand colour of the tenant's customer pages, PDFs and e-mails (admins)" })
  updateTenantBranding(@CurrentPrincipal() principal: Principal, @Args('input') input: UpdateTenantBrandingInput): Promise<Tenant> {
    return this.users.updateBranding(principal, input);
  }

  @RequireRole(Role.viewer)
  @Mutation(() => PasswordChanged, { description: 'Set a new password; every other session of yours ends' })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: ChangePasswordInput,
    @BearerToken() bearer: string,
  ): Promise<PasswordChanged> {
    return { changed: true, endedSessions: await this.users.changePassword(principal, input, bearer) };
  }
}
