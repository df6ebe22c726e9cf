import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * The Fleet's search beyond names: a host's tag, or a customer its service serves now — never a customer it served
 * once, never another tenant's customer of the same name; wildcards typed are plain characters.
 */
describe('fleetSearch: monitors by host tag and by customer served', () => {
  let api: TestApi;
  let a: string;
  let b: string;
  const ids: Record<string, string> = {};
  const search = async (token: string, text: string): Promise<string[]> => (await api.ok<{ fleetSearch: string[] }>('query($t: String!) { fleetSearch(text: $t) }', { t: text }, token)).fleetSearch;

  beforeAll(async () => {
    api = await startTestApi();
    a = (await api.tenant('search-a')).token;
    b = (await api.tenant('search-b')).token;
    const make = async (token: string, key: string, host: string, tags: string[], customer?: string): Promise<void> => {
      const g = <T,>(q: string) => api.ok<T>(q, {}, token);
      const hostId = (await g<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${host}", addresses: ["192.0.2.1"], tags: ${JSON.stringify(tags)}}) { id } }`)).createHost.id;
      let serviceId: string | undefined;
      if (customer) {
        const customerId = (await g<{ createCustomer: { id: string } }>(`mutation { createCustomer(input: {name: "${customer}"}) { id } }`)).createCustomer.id;
        serviceId = (await g<{ createService: { id: string } }>(`mutation { createService(input: {name: "svc-${key}", type: web, hostId: "${hostId}", customerIds: ["${customerId}"]}) { id } }`)).createService.id;
        ids[`service-${key}`] = serviceId;
      }
      ids[key] = (await g<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "mon-${key}", type: icmp, hostId: "${hostId}", ${serviceId ? `serviceId: "${serviceId}", ` : ''}config: {}, intervalMs: 60000, timeoutMs: 1000}) { id } }`)).createMonitor.id;
    };
    await make(a, 'tagged', 'web1', ['madrid', 'web_front']);
    // "web_" must not match "webxfront": the underscore typed is a character, not LIKE's any-one.
    await make(a, 'lookalike', 'web5', ['webxfront']);
    await make(a, 'shop', 'web2', [], 'Bakery Ruiz');
    await make(a, 'former', 'web3', [], 'Hotel Sol');
    await make(b, 'other', 'web9', ['madrid'], 'Bakery Ruiz');
    // Hotel Sol is no longer served: its link ends now.
    await api.ok(`mutation { updateService(id: "${ids['service-former']}", input: {customerIds: []}) { id } }`, {}, a);
  });
  afterAll(() => api?.close());

  it('finds a host’s tag and a customer served now, in this tenant only', async () => {
    expect(await search(a, 'MADR')).toEqual([ids.tagged]);
    expect(await search(a, 'bakery')).toEqual([ids.shop]);
    expect(await search(b, 'bakery')).toEqual([ids.other]);
  });

  it('does not find a customer served once, and reads wildcards literally', async () => {
    expect(await search(a, 'Hotel Sol')).toEqual([]);
    expect(await search(a, '%%')).toEqual([]);
    expect(await search(a, 'web_')).toEqual([ids.tagged]);
  });

  it('refuses a search of one character, naming it in words', async () => {
    const res = await api.gql('{ fleetSearch(text: "m") }', {}, a);
    expect(res.errors?.[0]).toMatchObject({ message: 'Search: from 2 to 100 characters', extensions: { code: 'VALIDATION_FAILED', field: 'text' } });
  });
});
