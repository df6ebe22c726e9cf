import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { type DocumentNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode } from 'graphql';
import { createRequire } from 'node:module';
import { VigiaException } from './vigia.exception.js';

// graphql 16 is loaded as CommonJS by Nest and Apollo (its package has no "exports"); the ESM build of
// graphql-query-complexity imports graphql's .mjs files, a second graphql "realm". Its CommonJS build shares ours.
const { getComplexity, simpleEstimator, fieldExtensionsEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/**
 * The standard introspection query (graphql-js's getIntrospectionQuery, what GraphiQL and codegen send) nests
 * `ofType` to depth 13. Introspection paths get this much and no more: `__type { fields { type { fields … } } }`
 * nested without end is the classic introspection denial of service.
 */
export const INTROSPECTION_MAX_DEPTH = 15;

/** Depth of the deepest field path of an operation, following fragments (cycles are already refused by graphql-js). */
export function queryDepth(document: DocumentNode, operationName?: string | null): number {
  return depths(document, operationName).data;
}

/**
 * Depth of the deepest ordinary path and of the deepest path through an introspection field (`__schema`, `__type`),
 * which are limited separately: the schema's own description is deeper than any data query needs to be.
 */
export function depths(document: DocumentNode, operationName?: string | null): { data: number; introspection: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const deepest = { data: 0, introspection: 0 };
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, level: number, introspection: boolean): void => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        // `__typename` is a leaf every client adds; it is not introspection of the schema.
        const inside = introspection || (sel.name.value.startsWith('__') && sel.name.value !== '__typename');
        const key = inside ? 'introspection' : 'data';
        deepest[key] = Math.max(deepest[key], level + 1);
        walk(sel.selectionSet, level + 1, inside);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, level, introspection);
      } else {
        // A fragment spread at the same depth and context twice adds nothing (and bounds fragment fan-out).
        const seen = `${sel.name.value}@${level}:${introspection}`;
        if (visited.has(seen)) continue;
        visited.add(seen);
        walk(fragments.get(sel.name.value)?.selectionSet, level, introspection);
      }
    }
  };
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && def.name?.value !== operationName) continue;
    walk(def.selectionSet, 0, false);
  }
  return deepest;
}

/** A refusal of the request as a whole: HTTP 400 (the client's fault), code QUERY_TOO_COMPLEX. */
function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, {
    originalError: new VigiaException('QUERY_TOO_COMPLEX', message),
    extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
  });
}

/** A request whose variables do not fit their types: HTTP 400, code BAD_USER_INPUT, graphql-js's own words. */
function badVariables(error: unknown): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, {
    nodes: error instanceof GraphQLError ? error.nodes : undefined,
    originalError: error instanceof GraphQLError ? error : undefined,
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/**
 * Refuses, before any resolver runs, queries deeper or costlier than the limits. List fields cost their page size
 * (`first`, default 50) times their children, so one request cannot ask for the whole fleet many times over.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart(): Promise<GraphQLRequestListener<object>> {
      return {
        async didResolveOperation({ document, request, schema }) {
          const depth = depths(document, request.operationName);
          if (depth.data > limits.maxDepth) {
            throw tooComplex(`query depth ${depth.data} exceeds the limit of ${limits.maxDepth}`);
          }
          const introspectionLimit = Math.max(limits.maxDepth, INTROSPECTION_MAX_DEPTH);
          if (depth.introspection > introspectionLimit) {
            throw tooComplex(`introspection depth ${depth.introspection} exceeds the limit of ${introspectionLimit}`);
          }
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              // Expensive fields declare their cost (QUERY_COST); lists cost their page size; anything else 1.
              estimators: [fieldExtensionsEstimator(), pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // getComplexity coerces the variables first: a bad one (`"2026-12-06T09:00"` for a DateTime, an unknown
            // enum value) threw here, and a plugin's throw answered HTTP 500. It is the client's input: 400, said as
            // graphql-js says it, naming the variable.
            throw badVariables(error);
          }
          if (complexity > limits.maxComplexity) {
            throw tooComplex(`query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`);
          }
        },
      };
    },
  };
}

function pageSizeEstimator(options: {
  args: Record<string, unknown>;
  childComplexity: number;
  field: { args: readonly { name: string }[] };
}): number | void {
  if (!options.field.args.some((arg) => arg.name === 'first')) return undefined;
  const first = typeof options.args.first === 'number' ? options.args.first : 50;
  return 1 + first * Math.max(1, options.childComplexity);
}
