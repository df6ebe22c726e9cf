import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration } from '#lib/reports';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, horizontalOverflow, launchChromium, screenshot, signIn } from './support/chromium.js';

interface CustomerView {
  name: string;
  email: string | null;
  monthlyReports: boolean;
  slaTarget: { targetPercent: number; policy: Record<string, unknown> } | null;
}

/**
 * Customers and sites through the dashboard. Customers: 300 made through the API first, so the list pages and
 * searches instead of loading them all; one created from the list, found by a search, its SLA target refused at its
 * field (nothing saved) then set with a policy, renamed, deleted after being told what that does. Sites: created,
 * renamed, refused deletion while a host is in it (the API's reason shown), deleted once the host moved.
 */
describe.skipIf(!hasChromium)('customers and sites', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { tenantId: string; slug: string; token: string; email: string; password: string };
  let serviceId: string;
  let hostId: string;
  let monitorId: string;
  let customerId: string;
  const gql = <T,>(q: string, v: Record<string, unknown> = {}) => api.ok<T>(q, v, owner.token);
  const customer = async (): Promise<CustomerView> =>
    (await gql<{ customer: CustomerView }>(`{ customer(id: "${customerId}") { name email monthlyReports slaTarget { targetPercent policy } } }`)).customer;

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('custpage');
    // 300 customers, 50 to a request (aliased mutations), as a company's inventory import would make them.
    for (let batch = 0; batch < 6; batch++) {
      const creates = Array.from({ length: 50 }, (_, i) => {
        const n = String(batch * 50 + i + 1).padStart(3, '0');
        return `c${n}: createCustomer(input: {name: "Cliente ${n}"}) { id }`;
      });
      await gql(`mutation { ${creates.join(' ')} }`);
    }
    hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    serviceId = (await gql<{ createService: { id: string } }>(`mutation { createService(input: {name: "www-mad-a", type: web, hostId: "${hostId}", port: 443}) { id } }`)).createService.id;
    monitorId = (
      await gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "www-mad-a http", type: http, hostId: "${hostId}", serviceId: "${serviceId}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`,
      )
    ).createMonitor.id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'custpage', owner.email, owner.password);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('lists a page of 50 of the 300, with a next page', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('customer-count').textContent()).toBe('300 customers · 1–50 shown');
    expect(await page.locator('tr[data-customer]').count()).toBe(50);
    expect(await page.locator('tr[data-customer]').first().getAttribute('data-customer')).toBe('Cliente 001');
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('tr[data-customer]').first().getAttribute('data-customer')).toBe('Cliente 051');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('creates a customer from the list and finds it by a search among the 300', async () => {
    const form = page.getByRole('form', { name: 'Add a customer' });
    await form.getByLabel('Name').fill('Bakery Ruiz');
    await form.getByRole('button', { name: 'Add' }).click();
    await form.getByRole('status').filter({ hasText: 'Added Bakery Ruiz.' }).waitFor();
    const found = await gql<{ customers: { nodes: { id: string }[] } }>('{ customers(filter: {search: "Bakery Ruiz"}) { nodes { id } } }');
    expect(found.customers.nodes).toHaveLength(1);
    customerId = found.customers.nodes[0]!.id;
    // Served by a service since long ago (linked through the API; the service's page does it in the dashboard), whose
    // monitor, up since then, was down for a while this month: a history as the watchdog would have written it.
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2025-06-01T00:00:00Z' WHERE id = $1", [monitorId]);
    await db.query("UPDATE customers SET created_at = '2025-06-01T00:00:00Z' WHERE id = $1", [customerId]);
    await db.query(
      "INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) VALUES ($1, $2, '2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z', 'unknown', 'up', false, 'first probe')",
      [owner.tenantId, monitorId],
    );
    await db.query("INSERT INTO observation_spans (started_at, ended_at) VALUES ('2025-06-01T00:00:00Z', now() + interval '1 day')");
    const now = Date.now();
    const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
    // Ten minutes down, ending at least a minute ago, inside this month (the tenant's zone is UTC).
    const outageEnd = Math.max(monthStart + 1_000, now - 60_000);
    const outageStart = Math.max(monthStart, outageEnd - 600_000);
    await db.query(
      "INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, 'resolved', $5, $6, 'fixture')",
      [owner.tenantId, monitorId, hostId, serviceId, new Date(outageStart), new Date(outageEnd)],
    );
    await gql('mutation($i: SetServiceCustomerLinkInput!) { setServiceCustomerLink(input: $i) { id } }', {
      i: { serviceId, customerId, startsAt: '2025-06-01T00:00:00Z' },
    });
    await page.getByLabel('Search customers').fill('ruiz');
    await expect.poll(() => page.locator('tr[data-customer]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer')))).toEqual(['Bakery Ruiz']);
    expect(await page.getByTestId('customer-count').textContent()).toBe('1 customer matching “ruiz”');
    const row = page.locator('tr[data-customer="Bakery Ruiz"]');
    expect(await row.getByRole('link', { name: 'www-mad-a' }).getAttribute('href')).toBe(`/services/${serviceId}`);
    expect(await row.locator('td').nth(2).textContent()).toBe('none');
    await page.getByLabel('Search customers').fill('no such customer');
    await page.getByText('No customer’s name contains “no such customer”.').waitFor();
    await page.getByLabel('Search customers').fill('ruiz');
    await row.getByRole('link', { name: 'Bakery Ruiz' }).click();
    await page.getByRole('heading', { name: 'Bakery Ruiz', level: 1 }).waitFor();
    expect(await page.getByTestId('customer-services').getByRole('link', { name: 'www-mad-a' }).getAttribute('href')).toBe(`/services/${serviceId}`);
    expect(await page.getByTestId('customer-sla').textContent()).toBe('none set');
    // This month as its report counts it: the outage's downtime to the millisecond, as the customer's own report says it.
    const month = await gql<{ availabilityReport: { totals: { downtimeMs: number; failures: number } } }>(
      `{ availabilityReport(input: {subject: {kind: customer, id: "${customerId}"}, period: "${new Date().toISOString().slice(0, 7)}"}) { totals { downtimeMs failures } } }`,
    );
    expect(month.availabilityReport.totals).toMatchObject({ failures: 1 });
    expect(month.availabilityReport.totals.downtimeMs).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('customer-month').textContent())
      .toMatch(new RegExp(`^\\d+\\.\\d{3} % so far · downtime ${formatDuration(month.availabilityReport.totals.downtimeMs)} in 1 outage$`));
  });

  it('sets the SLA target: a bad value is refused at its field with nothing saved, then a good one with its policy', async () => {
    const form = page.getByRole('form', { name: 'SLA target' });
    await form.getByLabel('Target (%)').fill('100.5');
    await form.getByLabel('Degraded time (slow, lagging)').selectOption({ label: 'counts as downtime' });
    await form.getByRole('button', { name: 'Set the target' }).click();
    await expect.poll(() => form.getByLabel('Target (%)').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').textContent()).toBe('must be a percentage above 0 and at most 100');
    expect((await customer()).slaTarget).toBeNull();
    await form.getByLabel('Target (%)').fill('99.12345');
    await form.getByRole('button', { name: 'Set the target' }).click();
    await expect.poll(() => form.locator('.field-invalid .error').textContent()).toBe('at most four decimals (e.g. 99.9995)');
    expect((await customer()).slaTarget).toBeNull();
    await form.getByLabel('Target (%)').fill('99.95');
    await form.getByLabel('Time Vigia did not see (no watchdog, no fresh verdict)').selectOption({ label: 'counts as down' });
    await form.getByLabel('With several services').selectOption({ label: 'its availability is theirs averaged by link weight' });
    await form.getByRole('button', { name: 'Set the target' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await form.getByLabel('Target (%)').getAttribute('aria-invalid')).toBe('false');
    expect((await customer()).slaTarget).toMatchObject({
      targetPercent: 99.95,
      policy: { degradedCountsAsDown: true, suspectCountsAsDown: false, unobserved: 'down', customerCombination: 'weighted' },
    });
    await expect.poll(() => page.getByTestId('customer-sla').textContent()).toMatch(/^99\.95 % \(since /);
    const policy = await page.getByTestId('customer-policy').locator('li').allTextContents();
    expect(policy).toEqual([
      'Degraded time (slow, lagging) counts as downtime',
      'Failures never confirmed by other vantages are not downtime',
      'Time Vigia did not see (no watchdog, no fresh verdict) counts as down',
      'With several services its availability is theirs averaged by link weight',
    ]);
    // Ten minutes down are over 99.95 %'s pace until the month is two weeks old, never more than its whole allowance
    // (21 min 36 s in 30 days): at risk or within, never breached; the page says which, as the report does.
    const sla = await gql<{ availabilityReport: { sla: { breached: boolean; atRisk: boolean; usedMs: number } } }>(
      `{ availabilityReport(input: {subject: {kind: customer, id: "${customerId}"}, period: "${new Date().toISOString().slice(0, 7)}"}) { sla { breached atRisk usedMs } } }`,
    );
    expect(sla.availabilityReport.sla.breached).toBe(false);
    await expect
      .poll(() => page.getByTestId('customer-month').textContent())
      .toMatch(sla.availabilityReport.sla.atRisk ? /· at risk of its 99\.95 % target: .+ down, over the .+ allowed to date; .+ left this month$/ : /· within its 99\.95 % target: .+ of downtime left this month$/);
    await page.goto(`${api.url}/customers`);
    await page.getByLabel('Search customers').fill('ruiz');
    await expect.poll(() => page.locator('tr[data-customer="Bakery Ruiz"] td').nth(2).textContent()).toBe('99.95 %');
    await page.locator('tr[data-customer="Bakery Ruiz"]').getByRole('link', { name: 'Bakery Ruiz' }).click();
    await page.getByRole('heading', { name: 'Bakery Ruiz', level: 1 }).waitFor();
  });

  it('edits name and report e-mail: a bad address is refused at its field and the name is not saved either', async () => {
    const form = page.getByRole('form', { name: 'Edit the customer' });
    await form.getByLabel('Name').fill('Bakery Ruiz e Hijos');
    await form.getByLabel('Report e-mail address').fill('not-an-address');
    // The browser's own check of type=email is bypassed so the API's verdict is the one shown.
    await form.evaluate((f) => f.setAttribute('novalidate', ''));
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByLabel('Report e-mail address').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').textContent()).toBe('must be an e-mail address');
    expect(await customer()).toMatchObject({ name: 'Bakery Ruiz', email: null, monthlyReports: false });
    await form.getByLabel('Report e-mail address').fill('it@bakery-ruiz.example');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await customer()).toMatchObject({ name: 'Bakery Ruiz e Hijos', email: 'it@bakery-ruiz.example', monthlyReports: true });
    await page.getByRole('heading', { name: 'Bakery Ruiz e Hijos', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('customer-mail').textContent()).toMatch(/^on, to it@bakery-ruiz\.example/);
    await screenshot(page, 'customer');
  });

  it('delete says what it does first, and keeps the customer until confirmed', async () => {
    await page.getByRole('button', { name: 'Delete…' }).click();
    const consequences = (await page.getByTestId('delete-consequences').textContent())!;
    expect(consequences).toMatch(/^Delete Bakery Ruiz e Hijos\? It is hidden at once, the 1 service serving it stops serving it now/);
    expect(consequences).toContain('Past reports still count it');
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect((await customer()).name).toBe('Bakery Ruiz e Hijos');
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete Bakery Ruiz e Hijos' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    const res = await api.gql(`{ customer(id: "${customerId}") { name } }`, {}, owner.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const service = await gql<{ service: { customers: unknown[] } }>(`{ service(id: "${serviceId}") { customers { id } } }`);
    expect(service.service.customers).toEqual([]);
  });

  it('sites: created, renamed, deletion refused while a host is in it, deleted after the host moved', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    const add = page.getByRole('form', { name: 'Add a site' });
    await add.getByLabel('Name').fill('Madrid DC1');
    await add.getByLabel('Location').fill('Calle Alcalá 1, Madrid');
    await add.getByRole('button', { name: 'Add' }).click();
    await page.locator('tr[data-site="Madrid DC1"]').waitFor();
    // The same name again: the API's DUPLICATE shown at the name.
    await add.getByLabel('Name').fill('Madrid DC1');
    await add.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => add.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await add.locator('.field-invalid .error').textContent()).toBe('already in use');
    const sites = async () => (await gql<{ sites: { nodes: { id: string; name: string; location: string | null }[] } }>('{ sites { nodes { id name location } } }')).sites.nodes;
    expect(await sites()).toMatchObject([{ name: 'Madrid DC1', location: 'Calle Alcalá 1, Madrid' }]);
    const siteId = (await sites())[0]!.id;

    await page.getByRole('button', { name: 'Rename Madrid DC1' }).click();
    const rename = page.getByRole('form', { name: 'Rename Madrid DC1' });
    await rename.getByLabel('Name').fill('Madrid DC2');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-site="Madrid DC2"] td').first().filter({ hasText: 'Madrid DC2' }).waitFor();
    expect((await sites()).map((s) => s.name)).toEqual(['Madrid DC2']);

    hostId = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "db1", addresses: ["192.0.2.20"], siteId: "${siteId}"}) { id } }`)).createHost.id;
    await page.reload();
    const row = page.locator('tr[data-site="Madrid DC2"]');
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('1');
    await row.getByRole('button', { name: 'Delete Madrid DC2…' }).click();
    expect(await row.getByTestId('delete-consequences').textContent()).toContain('It still has 1 host: move it to another site');
    await row.getByRole('button', { name: 'Delete Madrid DC2', exact: true }).click();
    await expect.poll(() => row.getByTestId('delete-refused').textContent()).toBe('Not deleted: Madrid DC2 is still used by hosts; remove or move those first.');
    expect((await sites()).map((s) => s.name)).toEqual(['Madrid DC2']);
    await screenshot(page, 'sites');

    // The host moves to another site (its page does it in the dashboard); then the site goes.
    const other = (await gql<{ createSite: { id: string } }>('mutation { createSite(input: {name: "Barcelona"}) { id } }')).createSite.id;
    await gql(`mutation { updateHost(id: "${hostId}", input: {siteId: "${other}"}) { id } }`);
    await row.getByRole('button', { name: 'Delete Madrid DC2', exact: true }).click();
    await expect.poll(async () => (await sites()).map((s) => s.name)).toEqual(['Barcelona']);
    await page.locator('tr[data-site="Madrid DC2"]').waitFor({ state: 'detached' });
    await page.locator('tr[data-site="Barcelona"]').waitFor();
  });

  it('draws no edit controls for a viewer, and no SLA target form for an operator (setSlaTarget asks for an admin)', async () => {
    const one = (await gql<{ customers: { nodes: { id: string }[] } }>('{ customers(first: 1) { nodes { id } } }')).customers.nodes[0]!.id;
    for (const role of ['viewer', 'operator'] as const) {
      await api.userWithRole(owner.token, owner.slug, role);
      const users = await gql<{ users: { nodes: { email: string; role: string }[] } }>('{ users { nodes { email role } } }');
      const user = users.users.nodes.find((u) => u.role === role)!;
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const phone = await context.newPage();
      await signIn(phone, api.url, owner.slug, user.email, 'a-long-enough-password');
      await phone.goto(`${api.url}/customers/${one}`);
      await phone.getByRole('heading', { name: 'Cliente 001', level: 1 }).waitFor();
      await phone.getByTestId('customer-month').waitFor();
      expect(await phone.getByRole('form', { name: 'SLA target' }).count()).toBe(0);
      expect(await phone.getByRole('form', { name: 'Edit the customer' }).count()).toBe(role === 'operator' ? 1 : 0);
      expect(await phone.getByRole('button', { name: 'Delete…' }).count()).toBe(role === 'operator' ? 1 : 0);
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      await phone.goto(`${api.url}/customers`);
      await phone.locator('tr[data-customer]').first().waitFor();
      expect(await phone.getByRole('form', { name: 'Add a customer' }).count()).toBe(role === 'operator' ? 1 : 0);
      await phone.goto(`${api.url}/sites`);
      await phone.locator('tr[data-site="Barcelona"]').waitFor();
      expect(await phone.getByRole('button', { name: 'Rename Barcelona' }).count()).toBe(role === 'operator' ? 1 : 0);
      expect(await phone.getByRole('form', { name: 'Add a site' }).count()).toBe(role === 'operator' ? 1 : 0);
      await context.close();
    }
  });
});
