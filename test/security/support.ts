import { graphqlClient, type GraphqlResponse } from '../support/graphql-client.js';

/** A GraphQL request with headers of our choosing (X-Forwarded-For, as a reverse proxy would add). */
export function gqlAs<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphqlResponse<T>> {
  return graphqlClient(url).gql<T>(query, variables, undefined, headers);
}

export const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token } }';

export const codeOf = (res: GraphqlResponse): string | undefined => res.errors?.[0]?.extensions?.code;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
