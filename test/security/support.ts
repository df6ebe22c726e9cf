import type { GraphqlResponse } from '../support/test-api.js';

/** A GraphQL request with headers of our choosing (X-Forwarded-For, as a reverse proxy would add). */
export async function gqlAs<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphqlResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphqlResponse<T>;
  return { ...body, status: res.status };
}

export const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token } }';

export const codeOf = (res: GraphqlResponse): string | undefined => res.errors?.[0]?.extensions?.code;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
