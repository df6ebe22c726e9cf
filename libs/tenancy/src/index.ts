export { TenancyModule } from './tenancy.module.js';
export { TENANCY_ENTITIES, Tenant, User, ApiToken, Role, roleAtLeast, REPORT_LANGUAGES, REPORT_LANGUAGE_MESSAGE, isReportLanguage, type ReportLanguage } from './entities/index.js';
export type { Principal } from './auth/principal.js';
export { CurrentPrincipal, Public, RequireRole } from './auth/auth.decorators.js';
export { TenantBootstrapService, type NewTenant } from './bootstrap.service.js';
export { AuthService } from './auth/auth.service.js';
export { TenantScopedRepository } from './tenant-scoped.repository.js';
export { FirstRunService, type FirstRunOutcome } from './first-run.service.js';
export { Argon2PasswordHasher, PasswordHasher } from './auth/password.hasher.js';
