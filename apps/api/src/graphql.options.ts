import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { Request } from 'express';
import { formatGraphqlError, GRAPHQL_MAX_TOKENS, InstantScalar, queryLimitsPlugin } from '#lib/common';
import type { VigiaConfig } from '#lib/config';
import { TrustedProxies } from '#lib/tenancy';

interface WsContext {
  connectionParams?: Record<string, unknown>;
  extra?: {
    request?: { socket?: { remoteAddress?: string }; headers?: Record<string, string | string[] | undefined> };
    socket?: { close(code?: number, reason?: string): void; once(event: 'close', listener: () => void): unknown };
  };
}

/**
 * HTTP requests carry their own headers; a graphql-ws subscription sends its token once, in the connection
 * parameters (`{ authorization: "Bearer …" }`), and gets a request-like object so the same guard checks both.
 * Both get the client's address with X-Forwarded-For believed only from trusted proxies.
 */
function graphqlContext(proxies: TrustedProxies) {
  return (input: { req?: Request } & WsContext): { req: unknown } => {
    if (input.req) {
      const clientAddress = proxies.clientAddress(input.req.socket.remoteAddress, input.req.headers['x-forwarded-for']);
      return { req: Object.assign(input.req, { clientAddress }) };
    }
    const authorization = input.connectionParams?.authorization;
    const request = input.extra?.request;
    return {
      req: {
        headers: { authorization: typeof authorization === 'string' ? authorization : undefined },
        clientAddress: proxies.clientAddress(request?.socket?.remoteAddress, request?.headers?.['x-forwarded-for']),
        subscriptionSocket: input.extra?.socket,
      },
    };
  };
}

/** Code-first schema, kept in memory; errors carry codes and fields, never stack traces. */
export function graphqlOptions(config: VigiaConfig): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    autoSchemaFile: true,
    sortSchema: true,
    // Every Date in and out: instants that name their offset (instant.scalar.ts).
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: InstantScalar }] },
    path: '/graphql',
    // The Apollo sandbox loads from a CDN; the dashboard (its own issue) is the UI. Introspection stays on for tools.
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    subscriptions: { 'graphql-ws': { path: '/graphql' } },
    context: graphqlContext(new TrustedProxies(config.trustedProxies)),
    formatError: formatGraphqlError,
    // Refused at the parser, before validation: a query of 10,000 repeated directives (no login needed) kept the event
    // loop busy for tens of seconds (docs/security.md, "Query limits").
    parseOptions: { maxTokens: GRAPHQL_MAX_TOKENS },
    plugins: [queryLimitsPlugin({ maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity })],
  };
}
