import { DataSource } from 'typeorm';
import type { ApiClient, TestApi } from './test-api.js';

/** What a plan or an apply answers, as the fleet tests read it. */
export interface FleetResult {
  problems: { file: string; line: number; column: number; field: string; message: string; path: (string | number)[] }[];
  changes: { action: string; kind: string; key: string; drift: boolean; fields: { field: string; before: unknown; after: unknown }[] }[];
  drift: { kind: string; key: string; changedAt: string | null; fields: { field: string; before: unknown; after: unknown }[] }[];
  unmanaged: number;
  applied: boolean;
}

const RESULT = 'problems { file line column field message path } changes { action kind key drift fields { field before after } } drift { kind key changedAt fields { field before after } } unmanaged applied';
/** The GraphQL of a plan and of an apply, for a suite that calls them itself (a viewer refused, another tenant). */
export const PLAN = `query($d: String!, $p: Boolean! = true) { fleetPlan(document: $d, prune: $p) { ${RESULT} } }`;
export const APPLY = `mutation($d: String!, $p: Boolean! = true, $s: JSONObject) { applyFleet(document: $d, prune: $p, secrets: $s) { ${RESULT} } }`;

/**
 * The fleet tests' calls: plan and apply a document (as `client`, by default the suite's; pruning unless told not
 * to; with the secrets' values the CLI would send), and ad-hoc SQL for assertions. Both getters are read at call
 * time, so a suite can build this before its `beforeAll` has started the API.
 */
export function fleetCalls(api: () => TestApi, defaultClient: () => ApiClient) {
  return {
    plan: async (text: string, client: ApiClient = defaultClient(), prune = true): Promise<FleetResult> =>
      (await client.ok<{ fleetPlan: FleetResult }>(PLAN, { d: text, p: prune })).fleetPlan,
    apply: async (text: string, client: ApiClient = defaultClient(), prune = true, secrets?: Record<string, unknown>): Promise<FleetResult> =>
      (await client.ok<{ applyFleet: FleetResult }>(APPLY, { d: text, p: prune, ...(secrets ? { s: secrets } : {}) })).applyFleet,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of ad-hoc SQL in assertions
    sql: (query: string, params: unknown[] = []): Promise<any[]> => api().app.get(DataSource).query(query, params),
  };
}
