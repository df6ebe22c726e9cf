import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock, escapeHtml as esc } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { InventoryHistory } from '#lib/inventory';
import { emailAddress, Mailer } from '#lib/mail';
import { TenantFacts } from '#lib/tenancy';
import { signinMessages } from './customer-signin.i18n.js';
import { type StatusPage, StatusPageVisibility } from './status-page.entity.js';
import { StatusPageAccess } from './status-page-access.js';
import { SUBSCRIBE_PER_CLIENT_PER_MINUTE, SUBSCRIBE_PER_PAGE_PER_MINUTE } from './status-subscribers.service.js';
import { SharedMinuteThrottle } from './shared-minute-throttle.js';

/** How long a mailed sign-in link works: a mailbox read now, not a link found in an archive later. */
export const SIGNIN_VALID_SECONDS = 15 * 60;
/** At most one sign-in mail per page in this time: nobody can make Vigia mail-bomb the customer's address. */
export const SIGNIN_RESEND_MS = 60_000;

export type SigninOutcome = 'answered' | 'invalid' | 'limited';

/**
 * The sign-in of a "customer login" page: a visitor gives an e-mail address; when it is the page's customer's address
 * (`Customer.email`, the one address a customer has), a link signed over the page, its auth version and a 15-minute
 * expiry is mailed through the tenant's own transport. The answer is the same whether or not the address matched, and
 * the mail is sent after the answer, so neither its words nor its timing tell whose address it is.
 */
@Injectable()
export class CustomerSignin {
  private readonly logger = new Logger('StatusSignin');
  constructor(
    private readonly throttle: SharedMinuteThrottle,
    private readonly inventory: InventoryHistory,
    private readonly mailer: Mailer,
    private readonly access: StatusPageAccess,
    private readonly tenants: TenantFacts,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A "send me a link" from the page's form. `sent` (a promise) settles when the mail, if any, is handed over. */
  async request(page: StatusPage, rawEmail: string, client: string): Promise<{ outcome: SigninOutcome; sent: Promise<void> }> {
    const done = { sent: Promise.resolve() };
    const now = this.clock.now().getTime();
    if (page.visibility !== StatusPageVisibility.customer || !page.customerId) return { outcome: 'answered', ...done };
    // The subscribe form's limits, counted apart from it and in PostgreSQL, so several API processes limit as one.
    if (!(await this.throttle.allow(`signin|client|${client}`, SUBSCRIBE_PER_CLIENT_PER_MINUTE)) || !(await this.throttle.allow(`signin|page|${page.id}`, SUBSCRIBE_PER_PAGE_PER_MINUTE))) return { outcome: 'limited', ...done };
    const email = rawEmail.trim().toLowerCase();
    if (!emailAddress.safeParse(email).success) return { outcome: 'invalid', ...done };
    const known = (await this.inventory.liveCustomer(page.tenantId, page.customerId))?.email?.trim().toLowerCase();
    if (!known || known !== email) return { outcome: 'answered', ...done };
    // Not awaited by the answer: a matching address must not answer slower than another — so the shared count of
    // one mail per page a minute (in all processes; the window is the throttle's minute, SIGNIN_RESEND_MS) is asked
    // after the answer too.
    const sent = (async () => {
      if (await this.throttle.allow(`signin-mail|page|${page.id}`, 1)) await this.mail(page, email, now);
    })().catch((error: unknown) => this.logger.warn(`sign-in mail for page ${page.id}: ${String(error)}`));
    return { outcome: 'answered', sent };
  }

  private async mail(page: StatusPage, to: string, now: number): Promise<void> {
    const tenantSlug = (await this.tenants.slugs([page.tenantId])).get(page.tenantId);
    if (!tenantSlug) return;
    const token = this.access.signinToken(page.id, page.authVersion, Math.floor(now / 1000) + SIGNIN_VALID_SECONDS);
    const link = `${this.config.publicUrl}/status/${tenantSlug}/${page.slug}/signin?t=${token}`;
    const w = signinMessages(page.language);
    const lines = [w.body(page.title, SIGNIN_VALID_SECONDS / 60), link, w.ignore];
    await this.mailer.send({
      tenantId: page.tenantId,
      to,
      subject: w.subject(page.title),
      text: `${lines.join('\n\n')}\n`,
      html: lines.map((l) => (l === link ? `<p><a href="${esc(l)}">${esc(l)}</a></p>` : `<p>${esc(l)}</p>`)).join(''),
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }
}
