import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VigiaConfig } from '#lib/config';
import { TenantBootstrapService } from './bootstrap.service.js';

export interface FirstRunOutcome {
  tenant: string;
  email: string;
  /** Only when Vigia generated the password itself (quick start); never echoed when the operator chose it. */
  generatedPassword?: string;
  created: boolean;
  /** When created now: the new tenant and its owner (what the first start may fill, e.g. with the live demo). */
  tenantId?: string;
  ownerId?: string;
}

/**
 * Documented bootstrap: VIGIA_BOOTSTRAP_TENANT/EMAIL/PASSWORD create the first tenant and owner if missing. In quick
 * start (embedded database, empty) a "demo" tenant is created with a random password, printed once and saved to
 * <data dir>/initial-credentials.txt (mode 600).
 */
@Injectable()
export class FirstRunService {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly bootstrap: TenantBootstrapService,
    private readonly config: VigiaConfig,
  ) {}

  async ensureFirstTenant(embedded: boolean): Promise<FirstRunOutcome | undefined> {
    const { tenant, email, password } = this.config.bootstrap;
    if (email && password) {
      const slug = tenant ?? 'default';
      if (await this.bootstrap.tenantExists(slug)) return { tenant: slug, email, created: false };
      const made = await this.bootstrap.createTenantWithOwner({ slug, name: slug, ownerEmail: email, ownerPassword: password });
      this.logger.log(`created tenant ${slug} with owner ${email}`);
      return { tenant: slug, email, created: true, tenantId: made.tenant.id, ownerId: made.owner.id };
    }
    if ((await this.bootstrap.tenantCount()) > 0) return undefined;
    if (!embedded) {
      this.logger.warn('no tenant exists: set VIGIA_BOOTSTRAP_EMAIL and VIGIA_BOOTSTRAP_PASSWORD, or run `npm run vigia -- create-tenant`');
      return undefined;
    }
    const generated = randomBytes(12).toString('base64url');
    const demo = { slug: 'demo', name: 'Demo hosting', ownerEmail: 'admin@example.com', ownerPassword: generated };
    const made = await this.bootstrap.createTenantWithOwner(demo);
    await mkdir(this.config.dataDir, { recursive: true });
    await writeFile(
      join(this.config.dataDir, 'initial-credentials.txt'),
      `tenant: demo\nemail: ${demo.ownerEmail}\npassword: ${generated}\n`,
      { mode: 0o600 },
    );
    return { tenant: 'demo', email: demo.ownerEmail, generatedPassword: generated, created: true, tenantId: made.tenant.id, ownerId: made.owner.id };
  }
}
