import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { VigiaException } from '#lib/common';
import { Role, roleAtLeast } from '../entities/role.js';
import { clientAddressOf, type GraphqlRequestContext, PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { LiveCredentials } from './live-credentials.service.js';

/**
 * Authenticates every GraphQL operation and checks roles. Fails closed: a resolver needs @Public to skip auth,
 * and a mutation without @RequireRole is refused, so a forgotten decorator can never open a write to viewers.
 */
@Injectable()
export class GraphqlAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly live: LiveCredentials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = gql.getContext<GraphqlRequestContext>().req;
    if (!req.principal) {
      const header = req.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
      if (!match?.[1]) throw new VigiaException('UNAUTHENTICATED', 'a bearer token is required');
      req.principal = await this.auth.authenticate(match[1], clientAddressOf(req));
      req.bearer = match[1];
      this.live.track(req, match[1]);
    }
    const isMutation = gql.getInfo<{ operation: { operation: string } }>().operation.operation === 'mutation';
    const required = this.reflector.getAllAndOverride<Role | undefined>(ROLES_KEY, targets) ?? (isMutation ? undefined : Role.viewer);
    if (!required || !roleAtLeast(req.principal.role, required)) {
      throw new VigiaException('FORBIDDEN', `this needs the ${required ?? 'owner'} role or higher`);
    }
    return true;
  }
}
