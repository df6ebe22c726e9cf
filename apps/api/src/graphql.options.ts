import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { Request } from 'express';
import { formatGraphqlError, queryLimitsPlugin } from '#lib/common';
import type { VigiaConfig } from '#lib/config';

interface WsContext {
  connectionParams?: Record<string, unknown>;
  extra?: { request?: { socket?: { remoteAddress?: string } } };
}

/**
 * HTTP requests carry their own headers; a graphql-ws subscription sends its token once, in the connection
 * parameters (`{ authorization: "Bearer …" }`), and gets a request-like object so the same guard checks both.
 */
function graphqlContext(input: { req?: Request } & WsContext): { req: unknown } {
  if (input.req) return { req: input.req };
  const authorization = input.connectionParams?.authorization;
  return {
    req: {
      headers: { authorization: typeof authorization === 'string' ? authorization : undefined },
      ip: input.extra?.request?.socket?.remoteAddress,
    },
  };
}

/** Code-first schema, kept in memory; errors carry codes and fields, never stack traces. */
export function graphqlOptions(config: VigiaConfig): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    // The Apollo sandbox loads from a CDN; the dashboard (its own issue) is the UI. Introspection stays on for tools.
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    subscriptions: { 'graphql-ws': { path: '/graphql' } },
    context: graphqlContext,
    formatError: formatGraphqlError,
    plugins: [queryLimitsPlugin({ maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity })],
  };
}
