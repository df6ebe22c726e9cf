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
  req: { headers: Record<string, string | string[] | undefined>; ip?: string; principal?: Principal; bearer?: string };
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req.principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public resolver');
  return principal;
});

export const ClientIp = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req.ip ?? 'unknown';
});

export const BearerToken = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req.bearer ?? '';
});
