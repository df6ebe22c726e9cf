import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '../entities/role.js';
import type { Principal } from './principal.js';

export const PUBLIC_KEY = 'vigia:public';
export const ROLES_KEY = 'vigia:role';

/** Reachable without a token (login only). Everything else requires one: the guard fails closed. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The least role allowed. Every mutation must carry one: a mutation without it is refused by the guard. */
export const RequireRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, role);

export interface GraphqlRequestContext {
  req: {
    headers: Record<string, string | string[] | undefined>;
    ip?: string;
    /** The client's address, X-Forwarded-For applied only from trusted proxies (set by the GraphQL context). */
    clientAddress?: string;
    principal?: Principal;
    bearer?: string;
    /** A WebSocket subscription's connection: closed when its credential stops working. */
    subscriptionSocket?: ClosableSocket;
    /** For a subscription: the subscriber's credential as of now (cached briefly), undefined once it stopped working. */
    recheck?: () => Promise<Principal | undefined>;
  };
}

export interface ClosableSocket {
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** The address to count failures against: never a header from an untrusted sender. */
export function clientAddressOf(req: GraphqlRequestContext['req']): string {
  return req.clientAddress ?? req.ip ?? 'unknown';
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req.principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public resolver');
  return principal;
});

export const ClientIp = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return clientAddressOf(GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req);
});

export const BearerToken = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req.bearer ?? '';
});

/**
 * Whom a subscription event may go to: the subscriber's principal as of now (a revoked, logged-out, deleted or
 * demoted credential shows here within the cache's lifetime), not as of when it subscribed.
 */
export async function currentSubscriber(context: GraphqlRequestContext): Promise<Principal | undefined> {
  const req = context.req;
  return req.recheck ? req.recheck() : req.principal;
}
