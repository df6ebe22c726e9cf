import { CliError, EXIT } from './exit-codes.js';
import type { Target } from './profiles.js';

interface GraphqlError {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** The GraphQL API as the CLI uses it: one call, errors turned into exit codes. */
export class ApiClient {
  constructor(private readonly target: Target) {}

  /**
   * `repeatable`: the call may be sent again if the connection dies before an answer — a kept-alive connection the
   * server closed while idle (a confirmation prompt is longer than its keep-alive timeout) fails the next request
   * that way. Plans, applies of the same file, acknowledgements are repeatable; starting a run is not.
   */
  async call<T>(query: string, variables: Record<string, unknown> = {}, repeatable = true): Promise<T> {
    const send = () => fetch(`${this.target.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.target.token}` },
      body: JSON.stringify({ query, variables }),
    });
    let res: Response;
    try {
      res = await send().catch((error: unknown) => {
        if (repeatable && isDroppedConnection(error)) return send();
        throw error;
      });
    } catch (error) {
      throw new CliError(`cannot reach ${this.target.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`, EXIT.error);
    }
    if (res.status === 413) throw new CliError('the API refused the request as too large (its JSON body limit)', EXIT.error);
    let body: { data?: T; errors?: GraphqlError[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new CliError(`${this.target.url} answered HTTP ${res.status}, not GraphQL: is VIGIA_URL the Vigia API?`, EXIT.error);
    }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      throw new CliError(error.message, code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? EXIT.auth : code === 'VALIDATION_FAILED' || code === 'NOT_FOUND' ? EXIT.usage : EXIT.error);
    }
    return body.data as T;
  }
}

/** The connection closed or reset under the request (not a refused connection or a name that does not resolve). */
function isDroppedConnection(error: unknown): boolean {
  const code = ((error as Error).cause as { code?: string } | undefined)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}
