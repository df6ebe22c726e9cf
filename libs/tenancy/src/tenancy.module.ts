import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokensService } from './api-tokens.service.js';
import { GraphqlAuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { LiveCredentials } from './auth/live-credentials.service.js';
import { LoginThrottle } from './auth/login-throttle.service.js';
import { Argon2PasswordHasher, PasswordHasher } from './auth/password.hasher.js';
import { TenantBootstrapService } from './bootstrap.service.js';
import { FirstRunService } from './first-run.service.js';
import { TENANCY_ENTITIES } from './entities/index.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditResolver } from './graphql/audit.resolver.js';
import { TenancyPortsModule } from './tenancy-ports.js';
import { AuthResolver } from './graphql/auth.resolver.js';
import { TenantResolver } from './graphql/tenant.resolver.js';
import { UsersResolver } from './graphql/users.resolver.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature(TENANCY_ENTITIES), TenancyPortsModule],
  providers: [
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    { provide: APP_GUARD, useClass: GraphqlAuthGuard },
    // After the guard: every successful mutation of a signed-in caller goes to the audit trail.
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    AuthService,
    LoginThrottle,
    LiveCredentials,
    UsersService,
    ApiTokensService,
    TenantBootstrapService,
    FirstRunService,
    AuthResolver,
    UsersResolver,
    TenantResolver,
    AuditResolver,
  ],
  exports: [AuthService, TenantBootstrapService, FirstRunService, ApiTokensService],
})
export class TenancyModule {}
