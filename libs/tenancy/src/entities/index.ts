import { ApiToken } from './api-token.entity.js';
import { AuthCounter } from './auth-counter.entity.js';
import { Session } from './session.entity.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';
import { AuditEntry } from '../audit/audit-entry.entity.js';

export { ApiToken, AuditEntry, AuthCounter, Session, Tenant, User };
export { Role, roleAtLeast } from './role.js';
export { REPORT_LANGUAGES, REPORT_LANGUAGE_MESSAGE, isReportLanguage, type ReportLanguage } from './report-language.js';
export const TENANCY_ENTITIES = [Tenant, User, ApiToken, Session, AuthCounter, AuditEntry];
