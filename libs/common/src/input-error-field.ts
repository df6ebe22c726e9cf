import { type ASTNode, parse, visit } from 'graphql';
import { GRAPHQL_MAX_TOKENS } from './query-costs.js';

interface LocatedError {
  message?: string;
  source?: { body: string };
  positions?: readonly number[];
}

/**
 * The input field a graphql-js coercion error is about (an enum value that does not exist, a string for an Int…),
 * so those errors carry `extensions.field` like every other input error:
 * - variables: graphql-js says `… at "input.role"`; that path (or the variable's name) is the field;
 * - literals in the query: the argument/object-field path to the value at the error's position, e.g. `input.role`.
 */
export function inputErrorField(error: LocatedError): string | undefined {
  const message = error.message ?? '';
  const atPath = /\bat "([^"]+)"/.exec(message)?.[1];
  if (atPath) return atPath;
  const variable = /^Variable "\$([A-Za-z_]\w*)"/.exec(message)?.[1];
  if (variable) return variable;
  const position = error.positions?.[0];
  if (!error.source || position === undefined) return undefined;
  return literalPath(error.source.body, position);
}

/**
 * The argument paths of a query's literal values by their start position, computed once per request body: one bad
 * request may carry a hundred errors (graphql-js stops at 100), and parsing the body again for each made a query of
 * repeated directives cost the event loop tens of seconds. Kept for the last few bodies only.
 */
const pathsByBody = new Map<string, Map<number, string> | null>();
const BODIES_KEPT = 4;

function literalPath(body: string, position: number): string | undefined {
  let paths = pathsByBody.get(body);
  if (paths === undefined) {
    paths = literalPaths(body);
    if (pathsByBody.size >= BODIES_KEPT) pathsByBody.delete(pathsByBody.keys().next().value as string);
    pathsByBody.set(body, paths);
  }
  return paths?.get(position);
}

function literalPaths(body: string): Map<number, string> | null {
  const found = new Map<number, string>();
  const path: string[] = [];
  const named = (node: ASTNode): node is ASTNode & { name: { value: string } } => node.kind === 'Argument' || node.kind === 'ObjectField';
  try {
    // The same token bound as the API's own parse (a body past it never reached validation).
    visit(parse(body, { maxTokens: GRAPHQL_MAX_TOKENS }), {
      enter(node) {
        if (!named(node)) return undefined;
        path.push(node.name.value);
        const start = (node as ASTNode & { value?: ASTNode }).value?.loc?.start;
        if (start !== undefined && !found.has(start)) found.set(start, path.join('.'));
        return undefined;
      },
      leave(node) {
        if (named(node)) path.pop();
        return undefined;
      },
    });
  } catch {
    return null;
  }
  return found;
}
