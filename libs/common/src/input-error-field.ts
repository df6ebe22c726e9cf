import { type ASTNode, parse, visit } from 'graphql';

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

function literalPath(body: string, position: number): string | undefined {
  let found: string | undefined;
  const path: string[] = [];
  const named = (node: ASTNode): node is ASTNode & { name: { value: string } } => node.kind === 'Argument' || node.kind === 'ObjectField';
  try {
    visit(parse(body), {
      enter(node) {
        if (!named(node)) return undefined;
        path.push(node.name.value);
        const value = (node as ASTNode & { value?: ASTNode }).value;
        if (!found && value?.loc?.start === position) found = path.join('.');
        return undefined;
      },
      leave(node) {
        if (named(node)) path.pop();
        return undefined;
      },
    });
  } catch {
    return undefined;
  }
  return found;
}
