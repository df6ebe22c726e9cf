import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Observable, mergeMap } from 'rxjs';
import type { GraphqlRequestContext } from '../auth/auth.decorators.js';
import { AuditTrail } from './audit-trail.js';

/**
 * The objects a mutation acted on: its `id` argument, else its `ids` (a bulk edit: each), else its one `…Id` argument
 * (`setSlaTarget(customerId: …)`, `setMonitorVantages(monitorId: …)`), else the id of what it returned (a create —
 * or of the one object returned beside a secret shown once, as `createVantage`'s `{ token, vantage }`);
 * none when nothing says it (a tenant-wide setting).
 */
export function objectIdsOf(args: Record<string, unknown>, result: unknown): string[] {
  if (typeof args.id === 'string') return [args.id];
  if (Array.isArray(args.ids)) return args.ids.filter((id): id is string => typeof id === 'string');
  const named = Object.entries(args).filter(([name, value]) => name.endsWith('Id') && typeof value === 'string');
  if (named.length === 1) return [named[0]![1] as string];
  if (result && typeof result === 'object' && typeof (result as { id?: unknown }).id === 'string') return [(result as { id: string }).id];
  // A create that returns its object beside a secret shown once (`{ token, vantage: { id } }`): the one nested object.
  if (result && typeof result === 'object') {
    const nested = Object.values(result).filter((v): v is { id: string } => !!v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string');
    if (nested.length === 1) return [nested[0]!.id];
  }
  return [];
}

/**
 * Records every successful top-level GraphQL mutation of a signed-in caller (a session or an API token) in the audit
 * trail, after it succeeded. A failed write of the record is logged and does not fail the mutation: the change is
 * made and the caller must hear so.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AuditTrail');

  constructor(private readonly trail: AuditTrail) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    const principal = gql.getContext<GraphqlRequestContext>().req?.principal;
    if (info.parentType.name !== 'Mutation' || !principal) return next.handle();
    const args = gql.getArgs<Record<string, unknown>>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.trail.record(principal, info.fieldName, objectIdsOf(args, result)).catch((error: unknown) =>
          this.logger.warn(`recording ${info.fieldName} failed: ${error instanceof Error ? error.message : String(error)}`),
        );
        return result;
      }),
    );
  }
}
