/** One GraphQL answer as the tests read it: the HTTP status beside the body. */
export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string } }[];
}

/** The one way the tests call a Vigia's GraphQL over HTTP: `gql` answers as it came, `ok` throws on errors. */
export interface GraphqlClient {
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphqlResponse<T>>;
  ok<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
}

/** A client of the Vigia at `base` (`http://127.0.0.1:PORT`): an in-test API or a process the test started. */
export function graphqlClient(base: string): GraphqlClient {
  const gql: GraphqlClient['gql'] = async (query, variables, token, headers = {}) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphqlResponse;
    return { ...body, status: res.status } as never;
  };
  const ok: GraphqlClient['ok'] = async <T,>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await gql<T>(query, variables, token);
    if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data!;
  };
  return { gql, ok };
}
