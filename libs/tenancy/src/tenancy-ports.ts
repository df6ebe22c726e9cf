import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type EntityManager, In, IsNull, Repository } from 'typeorm';
import { ApiToken, AuditEntry, Role, Tenant, User } from './entities/index.js';
import { ActorNames } from './actor-names.js';
import { AuditTrail } from './audit/audit-trail.js';

/** What other libraries may know of a tenant: its name, time zone, and whether its customers get outage notices. */
export interface TenantFact {
  name: string;
  timeZone: string;
  customerNotices: boolean;
}

/**
 * What reports and status pages show of a tenant: its public address (slug), name, zone, report language and brand,
 * and its monthly e-mail switch; the logo only when asked for (up to ~350 KB a row).
 */
export interface TenantProfile {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  defaultLanguage: string;
  primaryColor: string | null;
  monthlyReports: boolean;
  monthlyReportsSince: Date | null;
  /** Present (a data: URL, or null for none) when asked for with `{ logo: true }`; absent otherwise. */
  logo?: string | null;
}

const PROFILE = { id: true, slug: true, name: true, timeZone: true, defaultLanguage: true, primaryColor: true, monthlyReports: true, monthlyReportsSince: true } as const;

function profileOf(tenant: Tenant): TenantProfile {
  const { id, slug, name, timeZone, defaultLanguage, primaryColor, monthlyReports, monthlyReportsSince, logo } = tenant;
  return { id, slug, name, timeZone, defaultLanguage, primaryColor, monthlyReports, monthlyReportsSince, ...(logo !== undefined ? { logo } : {}) };
}

@Injectable()
export class TenantFacts {
  constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}

  async of(tenantId: string): Promise<TenantFact | undefined> {
    const tenant = await this.tenants.findOne({ where: { id: tenantId }, select: { name: true, timeZone: true, customerNotices: true } });
    return tenant ? { name: tenant.name, timeZone: tenant.timeZone, customerNotices: tenant.customerNotices } : undefined;
  }

  /** The tenant's profile (with its logo when `logo` is asked for, in the same query); undefined for an unknown id. */
  async profile(tenantId: string, { logo = false }: { logo?: boolean } = {}): Promise<TenantProfile | undefined> {
    const tenant = await this.tenants.findOne({ where: { id: tenantId }, select: { ...PROFILE, logo } });
    return tenant ? profileOf(tenant) : undefined;
  }

  /** Every tenant that sends its customers monthly report e-mails. */
  async sendingMonthlyReports(): Promise<TenantProfile[]> {
    return (await this.tenants.find({ where: { monthlyReports: true }, select: PROFILE })).map(profileOf);
  }

  /** The slugs (the tenant's part of public addresses) of the given tenants, in one query; unknown ids are absent. */
  async slugs(tenantIds: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(tenantIds)];
    if (!wanted.length) return new Map();
    const rows = await this.tenants.find({ where: { id: In(wanted) }, select: { id: true, slug: true } });
    return new Map(rows.map((t) => [t.id, t.slug]));
  }

  /** The tenant a public address names by its slug; undefined when none does. */
  async idOfSlug(slug: string): Promise<string | undefined> {
    return (await this.tenants.findOne({ where: { slug }, select: { id: true } }))?.id;
  }
}

/** What other libraries may know of a person: the name they show and the address they log in with. */
export interface PersonFact {
  id: string;
  email: string;
  displayName: string;
}

/** The people of a tenant (on-call schedules, contact rules): enabled users only, by id. */
@Injectable()
export class TenantPeople {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** The enabled users of the tenant among `ids`; an id of another tenant or of a disabled user is simply absent. */
  async of(tenantId: string, ids: string[], manager?: EntityManager): Promise<Map<string, PersonFact>> {
    const wanted = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (!wanted.length) return new Map();
    // The caller's transaction when it has one (never a second connection while holding the first).
    const rows = await (manager ? manager.getRepository(User) : this.users).find({ where: { tenantId, id: In(wanted), disabledAt: IsNull() }, select: { id: true, email: true, displayName: true } });
    return new Map(rows.map((u) => [u.id, { id: u.id, email: u.email, displayName: u.displayName }]));
  }

  /**
   * The enabled users of the tenant with these login e-mails (compared in lower case, as they are stored), by e-mail:
   * a fleet file names people so. Another tenant's or a disabled user's address is simply absent.
   */
  async byEmails(tenantId: string, emails: string[]): Promise<Map<string, PersonFact>> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))].filter((e) => e.length > 0 && e.length <= 320);
    if (!wanted.length) return new Map();
    const rows = await this.users.find({ where: { tenantId, email: In(wanted), disabledAt: IsNull() }, select: { id: true, email: true, displayName: true } });
    return new Map(rows.map((u) => [u.email, { id: u.id, email: u.email, displayName: u.displayName }]));
  }

  /** The tenant's first owner (by creation) who is not disabled: whose authority acts for the tenant's own services. */
  async firstActiveOwner(tenantId: string): Promise<string | undefined> {
    const owner = await this.users.findOne({ where: { tenantId, role: Role.owner, disabledAt: IsNull() }, order: { createdAt: 'ASC' }, select: { id: true } });
    return owner?.id;
  }
}

/** Tenancy's ports for other libraries (actor names, tenant facts, people, the audit trail): no resolvers, no guard. */
@Module({
  imports: [TypeOrmModule.forFeature([User, ApiToken, Tenant, AuditEntry])],
  providers: [ActorNames, TenantFacts, TenantPeople, AuditTrail],
  exports: [ActorNames, TenantFacts, TenantPeople, AuditTrail],
})
export class TenancyPortsModule {}

export { ActorNames };
