import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PeriodicWorker } from '#lib/common';
import type { ClosableSocket, GraphqlRequestContext } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';

/** How long a credential check is reused: each event then costs a map lookup, not a query. */
const CHECK_TTL_MS = 2_000;
/** How often open sockets are re-checked, so a dead credential's socket closes even when no event comes. */
const SWEEP_MS = 3_000;
/** graphql-ws's "Forbidden": the client does not reconnect with the same credential. */
const CLOSE_REVOKED = 4403;

type SubscriberRequest = GraphqlRequestContext['req'];

/**
 * Open WebSocket subscriptions and the credentials they were opened with. Every event is checked against the
 * credential as of now (cached for CHECK_TTL_MS), and a sweep closes the sockets of credentials that stopped
 * working (logout, revocation, a disabled or deleted user, a token whose creator went) within SWEEP_MS.
 */
@Injectable()
export class LiveCredentials implements OnModuleDestroy {
  private readonly sockets = new Map<ClosableSocket, { bearer: string; requests: Set<SubscriberRequest> }>();
  private readonly checks = new Map<string, { at: number; principal: Promise<Principal | undefined> }>();
  private readonly loop = new PeriodicWorker('live credentials', () => this.sweep(), { everyMs: SWEEP_MS, onError: () => undefined });

  constructor(private readonly auth: AuthService) {}

  /** Called by the guard for each subscription operation that arrives over a WebSocket. */
  track(req: SubscriberRequest, bearer: string): void {
    const socket = req.subscriptionSocket;
    if (!socket) return;
    let entry = this.sockets.get(socket);
    if (!entry) {
      entry = { bearer, requests: new Set() };
      this.sockets.set(socket, entry);
      socket.once('close', () => this.sockets.delete(socket));
    }
    entry.requests.add(req);
    req.recheck = () => this.current(bearer, socket);
    this.loop.start();
  }

  /** The credential's principal as of now, or undefined (and the socket closed) once it stopped working. */
  async current(bearer: string, socket: ClosableSocket): Promise<Principal | undefined> {
    // A cache's age on monotonic time: a duration this process measures, not a time of day anyone reads.
    const now = performance.now();
    let check = this.checks.get(bearer);
    if (!check || now - check.at > CHECK_TTL_MS) {
      check = { at: now, principal: this.auth.resolve(bearer).catch(() => undefined) };
      this.checks.set(bearer, check);
    }
    const principal = await check.principal;
    const entry = this.sockets.get(socket);
    if (!principal) {
      this.close(socket);
      return undefined;
    }
    // A role changed since subscribing: resolvers and filters see the new one.
    for (const req of entry?.requests ?? []) req.principal = principal;
    return principal;
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  private async sweep(): Promise<void> {
    for (const [bearer, check] of this.checks) if (performance.now() - check.at > CHECK_TTL_MS) this.checks.delete(bearer);
    for (const [socket, entry] of [...this.sockets]) await this.current(entry.bearer, socket);
  }

  private close(socket: ClosableSocket): void {
    this.sockets.delete(socket);
    socket.close(CLOSE_REVOKED, 'credential no longer valid');
  }
}
