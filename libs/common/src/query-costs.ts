/**
 * What an expensive field really costs, in complexity points (a plain field costs 1; the default limit of a request
 * is VIGIA_GRAPHQL_MAX_COMPLEXITY = 20,000). Set on the field (`@Query(() => X, { complexity: QUERY_COST.fleet })`)
 * so aliases pay each time: `a: fleet b: fleet …` 1,000 times costs 1,000 fleets, not 1,000 points.
 * Measured on 2 cores: `fleet` ~10 ms per 10,000 monitors, a dry run ~50 ms, a probe up to its timeout.
 */
export const QUERY_COST = {
  /** Every monitor of the tenant, column by column: at most 10 per request. */
  fleet: 2_000,
  /** Parses, validates and plans a runbook against live resources: at most 10 per request. */
  dryRun: 2_000,
  /** Runs a probe over the network: at most 10 per request. */
  probe: 2_000,
  /** Reads a period of state changes and computes the accounting: at most 40 per request. */
  report: 500,
  /** Changes up to 1,000 objects in one transaction: at most 10 per request. */
  bulk: 2_000,
} as const;

/**
 * The most tokens a request's query may have (graphql-js stops parsing past it). The dashboard's largest query is
 * about 1,000 tokens and the standard introspection query about 300; 20,000 leaves room for tools while a query of
 * ten thousand repeated directives (quadratic work in validation and error formatting) is refused at the parser.
 */
export const GRAPHQL_MAX_TOKENS = 20_000;
