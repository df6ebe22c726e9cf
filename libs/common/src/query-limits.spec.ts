import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryDepth } from './query-limits.plugin.js';

describe('queryDepth', () => {
  it.each([
    ['{ me { role } }', 2],
    ['{ hosts { nodes { site { name } } } }', 4],
    ['{ a { b } c { d { e { f } } } }', 4],
    ['query { ...F } fragment F on Query { hosts { nodes { id } } }', 3],
    ['{ hosts { ... on HostConnection { nodes { id } } } }', 3],
    ['{ __schema { types { fields { name } } } me { role } }', 2],
  ])('%s has depth %i', (query, depth) => {
    expect(queryDepth(parse(query))).toBe(depth);
  });

  it('measures only the operation that will run', () => {
    const doc = parse('query Shallow { me { role } } query Deep { a { b { c { d } } } }');
    expect(queryDepth(doc, 'Shallow')).toBe(2);
    expect(queryDepth(doc, 'Deep')).toBe(4);
  });
});
