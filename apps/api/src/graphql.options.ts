import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { Request } from 'express';
import { formatGraphqlError, queryLimitsPlugin } from '#lib/common';
import type { VigiaConfig } from '#lib/config';

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
    context: ({ req }: { req: Request }) => ({ req }),
    formatError: formatGraphqlError,
    plugins: [queryLimitsPlugin({ maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity })],
  };
}
