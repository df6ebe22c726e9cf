import type { INestApplication } from '@nestjs/common';
import type { Clock } from '#lib/common';
import { loadVigiaConfig } from '#lib/config';
import { createVigiaApp } from '#lib/runtime';
import { TEST_EGRESS_ALLOW } from './test-egress.js';
import { TenantBootstrapService } from '#lib/tenancy';
import { ApiAppModule } from '../../apps/api/src/api-app.module.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { graphqlClient, type GraphqlResponse } from './graphql-client.js';

export type { GraphqlResponse } from './graphql-client.js';

export interface GraphqlError {
  message: string;
  path?: string[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/** Calls made as one signed-in user or token: every call carries it. */
export interface ApiClient {
  token: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>>;
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  fails(query: string, variables?: Record<string, unknown>, expected?: { code?: string; field?: string }): Promise<GraphqlError>;
}

export type Role = 'owner' | 'admin' | 'operator' | 'viewer';

export interface TestApi {
  app: INestApplication;
  url: string;
  db: TestDatabase;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphqlResponse<T>>;
  /** The call's data; a GraphQL error fails the test with the errors in the message. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /**
   * The call's first error; no error fails the test, and so does another code or field than `expected` names
   * (`fails(q, v, t, { code: 'VALIDATION_FAILED', field: 'input.name' })`).
   */
  fails(query: string, variables?: Record<string, unknown>, token?: string, expected?: { code?: string; field?: string }): Promise<GraphqlError>;
  /** Creates a tenant with an owner and returns a session token for that owner. */
  tenant(slug: string): Promise<{ tenantId: string; slug: string; token: string; email: string; password: string }>;
  /** Creates a user with `role` in the tenant of `ownerToken` and logs them in. */
  userWithRole(ownerToken: string, slug: string, role: string): Promise<string>;
  /** The client of a token (a session or an API token). */
  client(token: string): ApiClient;
  /** A new user with `role` in `owner`'s tenant (as `tenant()` returned it), signed in: `(await api.as('viewer', acme)).fails(…)`. */
  as(role: Role, owner: { slug: string; token: string }): Promise<ApiClient>;
  /** Stops the app; drops the database unless it is to be reused by another app. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** The real API (GraphQL over HTTP on a free port) on its own freshly migrated database. */
export async function startTestApi(env: Record<string, string> = {}, reuse?: TestDatabase, options: { clock?: Clock } = {}): Promise<TestApi> {
  const db = reuse ?? (await createTestDatabase());
  const config = loadVigiaConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', VIGIA_ROLES: 'api', VIGIA_EGRESS_ALLOW: TEST_EGRESS_ALLOW, ...env });
  // Built exactly as production builds it (createVigiaApp), on a fresh database and a free port.
  const app = await createVigiaApp(ApiAppModule.forRoot(config, options));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  // Links the API hands out are absolute (VIGIA_PUBLIC_URL, else HOST:PORT — here port 0): on the address it really
  // took, as a deployment's public URL is its own, so a test can open or click what the API gives.
  if (!env.VIGIA_PUBLIC_URL) Object.assign(config, { publicUrl: url });

  const { gql, ok } = graphqlClient(url);
  const fails: TestApi['fails'] = async (query, variables, token, expected) => {
    const res = await gql(query, variables, token);
    const error = res.errors?.[0] as GraphqlError | undefined;
    if (!error) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
    if (expected?.code && error.extensions?.code !== expected.code) throw new Error(`expected ${expected.code}, got ${JSON.stringify(error)}`);
    if (expected?.field && error.extensions?.field !== expected.field) throw new Error(`expected an error on ${expected.field}, got ${JSON.stringify(error)}`);
    return error;
  };

  const login = async (slug: string, email: string, password: string): Promise<string> => {
    const res = await gql<{ login: { token: string } }>(
      'mutation($i: LoginInput!) { login(input: $i) { token } }',
      { i: { tenant: slug, email, password } },
    );
    if (!res.data?.login) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
    return res.data.login.token;
  };

  const userWithRole: TestApi['userWithRole'] = async (ownerToken, slug, role) => {
    const email = `${role}-${Math.random().toString(36).slice(2, 8)}@${slug}.test`;
    const password = 'a-long-enough-password';
    await ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, displayName: role, role, password } }, ownerToken);
    return login(slug, email, password);
  };
  const client = (token: string): ApiClient => ({
    token,
    gql: (query, variables) => gql(query, variables, token),
    ok: (query, variables) => ok(query, variables, token),
    fails: (query, variables, expected) => fails(query, variables, token, expected),
  });

  return {
    app,
    url,
    db,
    gql,
    ok,
    fails,
    async tenant(slug) {
      const email = `owner@${slug}.test`;
      const password = `pw-${slug}-correct-horse`;
      const { tenant } = await app.get(TenantBootstrapService).createTenantWithOwner({ slug, name: slug, ownerEmail: email, ownerPassword: password });
      return { tenantId: tenant.id, slug, token: await login(slug, email, password), email, password };
    },
    userWithRole,
    client,
    async as(role, owner) {
      return client(await userWithRole(owner.token, owner.slug, role));
    },
    async close(options) {
      await app.close();
      if (!options?.keepDatabase) await db.drop();
    },
  };
}

/** The path and query of an absolute link the API hands out (made with VIGIA_PUBLIC_URL), to open on a test API's own address. */
export function pathOf(link: string): string {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
}
