import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { type DocumentNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';
import { createRequire } from 'node:module';
import { VigiaException } from './vigia.exception.js';

// graphql 16 is loaded as CommonJS by Nest and Apollo (its package has no "exports"); the ESM build of
// graphql-query-complexity imports graphql's .mjs files, a second graphql "realm". Its CommonJS build shares ours.
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/** Depth of the deepest field path of an operation, following fragments (cycles are already refused by graphql-js). */
export function queryDepth(document: DocumentNode, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const depthOf = (set: SelectionSetNode | undefined, level: number): number => {
    if (!set) return level;
    let max = level;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        max = Math.max(max, depthOf(sel.selectionSet, level + 1));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(sel.selectionSet, level));
      } else {
        max = Math.max(max, depthOf(fragments.get(sel.name.value)?.selectionSet, level));
      }
    }
    return max;
  };
  let deepest = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && def.name?.value !== operationName) continue;
    deepest = Math.max(deepest, depthOf(def.selectionSet, 0));
  }
  return deepest;
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
          const depth = queryDepth(document, request.operationName);
          if (depth > limits.maxDepth) {
            throw new VigiaException('QUERY_TOO_COMPLEX', `query depth ${depth} exceeds the limit of ${limits.maxDepth}`);
          }
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > limits.maxComplexity) {
            throw new VigiaException(
              'QUERY_TOO_COMPLEX',
              `query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`,
            );
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
