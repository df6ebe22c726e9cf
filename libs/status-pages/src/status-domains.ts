import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '#lib/common';
import { StatusPagesService } from './status-pages.service.js';

/** How long the custom domains known in memory are used before they are read again. */
const RELOAD_MS = 10_000;

/** A request's host name as the domains are stored: lower case, no port, no trailing dot. */
export function hostName(header: string | undefined): string {
  return (header ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

/**
 * The pages' custom domains (host name → tenant slug and page slug), held in memory and read again at most every 10 s,
 * so an unknown Host (the API's own, or a stranger's) costs no query. One instance for the domain middleware and the
 * fast path, so both route a host the same way.
 */
@Injectable()
export class StatusDomains {
  private domains = new Map<string, [string, string]>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  private readonly logger = new Logger('StatusDomains');

  constructor(
    private readonly pages: StatusPagesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The page a host name serves, if any (reloading first when a page changed in this process, or on first use). */
  async route(host: string): Promise<[string, string] | undefined> {
    const now = this.clock.now().getTime();
    const changedHere = this.pages.domainsChanged;
    if (now - this.loadedAt > RELOAD_MS || changedHere) {
      this.loading ??= this.load(now).finally(() => (this.loading = undefined));
      // Awaited only for the first load and for a change made in this process (served at once); the periodic
      // refresh runs behind the request, so a database that is slow or gone never holds up /healthz,
      // /vigia-status or the API (the last known domains keep being served).
      if (changedHere || this.loadedAt === -Infinity) await this.loading;
    }
    return this.domains.get(host);
  }

  /**
   * The same answer without waiting, for the fast path: `stale` when the domains are due to be read again (or never
   * were, or a page changed here, or they are being read now) — the request then goes the long way, which reloads
   * them or waits for the reload.
   */
  routeNow(host: string, now: number): [string, string] | undefined | 'stale' {
    if (this.loading || now - this.loadedAt > RELOAD_MS || this.pages.domainsChanged) return 'stale';
    return this.domains.get(host);
  }

  private async load(now: number): Promise<void> {
    this.pages.domainsChanged = false;
    try {
      this.domains = await this.pages.domainRoutes();
    } catch (error) {
      // The database away: keep the domains known so far and try again in 10 s; requests are never failed for it.
      this.logger.warn(`custom domains not reloaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.loadedAt = now;
  }
}
