import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf, startTestApi, type TestApi } from './support/test-api.js';

/** The instant the tests freeze "now" at: mid-October 2026, six weeks before today's wall clock. */
const FROZEN = new Date('2026-10-20T12:00:00.000Z');

/**
 * Reports take "now" from the injected clock (`CLOCK`), never from the wall: a report of the month under way stands at
 * the clock's now, and a customer link's lifetime is counted on it too. Frozen here, so the wall clock would say
 * otherwise.
 */
describe("reports stand at the clock's now (CLOCK, settable in tests)", () => {
  let api: TestApi;
  let token: string;
  let customerId: string;

  beforeAll(async () => {
    api = await startTestApi({}, undefined, { clock: { now: () => new Date(FROZEN) } });
    token = (await api.tenant('frozen')).token;
    customerId = (await api.ok<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Bakery"}) { id } }', {}, token)).createCustomer.id;
  }, 60_000);
  afterAll(() => api?.close());

  it("a report of the month under way stands at the clock's now, not the wall clock's", async () => {
    const { availabilityReport } = await api.ok<{ availabilityReport: { asOf: string; computedAt: string } }>(
      'query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { asOf computedAt } }',
      { i: { subject: { kind: 'customer', id: customerId }, from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' } },
      token,
    );
    expect(availabilityReport).toEqual({ asOf: FROZEN.toISOString(), computedAt: FROZEN.toISOString() });
  });

  it("a customer link's lifetime counts on the clock: valid at its now although the wall clock is past its expiry", async () => {
    const { customerReportLink } = await api.ok<{ customerReportLink: string }>(`mutation { customerReportLink(customerId: "${customerId}", month: "2026-10", expiresInDays: 1) }`, {}, token);
    const expires = Number(new URL(customerReportLink).searchParams.get('e'));
    expect(expires).toBe(FROZEN.getTime() / 1000 + 86_400);
    expect(expires * 1000).toBeLessThan(Date.now()); // by the wall clock it expired weeks ago
    const page = await fetch(`${api.url}${pathOf(customerReportLink)}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Bakery');
  });
});
