import { VigiaException } from '#lib/common';
import { type ApiTokensService, Role } from '#lib/tenancy';

/**
 * The demo is built and removed through Vigia's own GraphQL API, as its owner would do it: every object passes the
 * same validation, egress checks, built-in runbook binding and audit as one made in the dashboard. A short-lived API
 * token of the tenant's owner is made for the job and revoked after it.
 */
export class SelfApi {
  private constructor(
    private readonly url: string,
    private readonly token: string,
    readonly revoke: () => Promise<void>,
  ) {}

  static async open(tokens: ApiTokensService, baseUrl: string, tenantId: string, ownerId: string, what: string): Promise<SelfApi> {
    const principal = { tenantId, role: Role.owner, kind: 'session' as const, userId: ownerId };
    const { token, apiToken } = await tokens.create(principal, { name: `vigia demo (${what})`, role: Role.owner, expiresInDays: 1 });
    return new SelfApi(`${baseUrl}/graphql`, token, async () => void (await tokens.revoke(principal, apiToken.id).catch(() => undefined)));
  }

  async ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    const error = body.errors?.[0];
    if (error) throw new VigiaException('CONFLICT', `demo: ${error.message}`, error.extensions?.field);
    return body.data!;
  }
}
