import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { codeOf } from './support.js';
import { waitUntil } from '../support/eventually.js';

describe('tenants do not see the platform (issue 18, Low: watchdogs)', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1' });
    ({ token } = await api.tenant('curious'));
  });
  afterAll(() => api?.close());

  it("shows that watchdogs run, not the provider's host names and pids", async () => {
    let live: { id: string; heartbeatAt: string }[] = [];
    await waitUntil('a live watchdog', async () => {
      live = (await api.gql<{ watchdogs: typeof live }>('{ watchdogs { id heartbeatAt } }', {}, token)).data?.watchdogs ?? [];
      return live.length > 0;
    }, { timeoutMs: 6000, everyMs: 200 });
    expect(live).toHaveLength(1);
    for (const field of ['hostname', 'pid']) {
      const res = await api.gql(`{ watchdogs { ${field} } }`, {}, token);
      expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const type = await api.gql<{ __type: { fields: { name: string }[] } }>('{ __type(name: "WatchdogInstance") { fields { name } } }', {}, token);
    expect(type.data!.__type.fields.map((f) => f.name).sort()).toEqual(['heartbeatAt', 'id', 'startedAt', 'stoppedAt']);
  });
});
