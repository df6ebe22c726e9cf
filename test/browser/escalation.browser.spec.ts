import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, horizontalOverflow, launchChromium, screenshot, signIn } from './support/chromium.js';

interface Policy {
  name: string;
  steps: { delayMinutes: number; channelIds: string[]; scheduleIds?: string[]; userIds?: string[] }[];
  repeatMinutes: number | null;
}

/**
 * Settings → Escalation in a real browser: a policy of two steps (a channel, then whoever is on call and a person)
 * created through the form after a wrong delay is refused at its field with nothing saved; edited (a step moved up,
 * its delay changed, the other removed); shown to a viewer without edit controls; deleted after the confirmation
 * says what deleting does. Every change is read back through the API.
 */
describe.skipIf(!hasChromium)('escalation policies in the dashboard', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { tenantId: string; token: string; email: string; password: string };
  const ids: Record<string, string> = {};
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, owner.token);
  const policies = async (): Promise<Policy[]> => (await gql<{ escalationPolicies: Policy[] }>('{ escalationPolicies { name steps repeatMinutes } }')).escalationPolicies;
  const user = async (name: string, role: string): Promise<string> =>
    (await gql<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `${name}@esc.test`, displayName: name, role, password: 'a-long-enough-password' } })).createUser.id;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('esc');
    ids.ops = (await gql<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'ops', type: 'email', config: { to: ['ops@esc.test'] } } })).createAlertChannel.id;
    ids.ana = await user('ana', 'operator');
    await user('vic', 'viewer');
    ids.primary = (
      await gql<{ createSchedule: { id: string } }>('mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }', {
        i: { name: 'Primary', timeZone: 'Europe/Madrid', layers: [{ name: 'days', participantIds: [ids.ana], rotationEvery: 1, rotationUnit: 'weeks', start: '2026-01-05T09:00', restrictions: [] }] },
      })
    ).createSchedule.id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' })).newPage();
    await signIn(page, api.url, 'esc', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('creates a policy of two steps; a delay not later than the step before is refused at its field, nothing saved', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Escalation' }).click();
    await page.getByText('No escalation policies yet').waitFor();
    await page.getByRole('button', { name: 'New escalation policy' }).click();
    const form = page.getByRole('form', { name: 'New escalation policy' });
    await form.getByLabel('Name').fill('web outages');
    const first = form.getByRole('group', { name: 'Step 1' });
    await first.getByLabel(/minutes after the incident opened/).fill('0');
    await first.getByRole('checkbox', { name: 'ops (email)' }).check();
    await form.getByRole('button', { name: 'Add a step' }).click();
    const second = form.getByRole('group', { name: 'Step 2' });
    await second.getByLabel(/minutes after the incident opened/).fill('0');
    await second.getByRole('checkbox', { name: 'Primary' }).check();
    await second.getByRole('checkbox', { name: 'ana' }).check();
    await form.getByLabel('Repeat the last step every (minutes)').fill('15');
    await form.getByRole('button', { name: 'Create policy' }).click();

    const delay = second.getByLabel(/minutes after the incident opened/);
    await expect.poll(() => delay.getAttribute('aria-invalid')).toBe('true');
    expect(await second.locator('.field-invalid .error').textContent()).toBe('must be later than the step before');
    expect(await policies()).toEqual([]);
    await screenshot(page, 'settings-escalation-refused');
    expect(await horizontalOverflow(page)).toBe(0);

    await delay.fill('10');
    await form.getByRole('button', { name: 'Create policy' }).click();
    const card = page.locator('[data-policy="web outages"]');
    await card.waitFor();
    expect(await card.locator('li').allTextContents()).toEqual(['at 0 min: e-mail channel ops', 'at 10 min: whoever is on call in schedule Primary and person ana']);
    expect(await card.getByTestId('repeat').textContent()).toBe('then the last step again every 15 min until acknowledged (3× at most)');
    expect(await card.textContent()).toContain('takes every incident');
    expect(await policies()).toEqual([
      {
        name: 'web outages',
        steps: [
          { delayMinutes: 0, channelIds: [ids.ops] },
          { delayMinutes: 10, channelIds: [], scheduleIds: [ids.primary], userIds: [ids.ana] },
        ],
        repeatMinutes: 15,
      },
    ]);
    await screenshot(page, 'settings-escalation');
  });

  it('edits it: the on-call step moved up, its delay changed, the channel step removed', async () => {
    await page.getByRole('button', { name: 'Edit web outages' }).click();
    const form = page.getByRole('form', { name: 'Edit escalation policy web outages' });
    await form.getByRole('button', { name: 'Move step 2 up' }).click();
    // The targets move; the times stay in order where they were.
    const first = form.getByRole('group', { name: 'Step 1' });
    expect(await first.getByRole('checkbox', { name: 'Primary' }).isChecked()).toBe(true);
    expect(await first.getByLabel(/minutes after the incident opened/).inputValue()).toBe('0');
    await first.getByLabel(/minutes after the incident opened/).fill('2');
    await form.getByRole('button', { name: 'Remove step 2' }).click();
    await form.getByLabel('Repeat the last step every (minutes)').fill('');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.waitFor({ state: 'detached' });
    const card = page.locator('[data-policy="web outages"]');
    await expect.poll(() => card.locator('li').allTextContents()).toEqual(['at 2 min: whoever is on call in schedule Primary and person ana']);
    expect(await policies()).toEqual([{ name: 'web outages', steps: [{ delayMinutes: 2, channelIds: [], scheduleIds: [ids.primary], userIds: [ids.ana] }], repeatMinutes: null }]);
  });

  it('shows a viewer the policies with no edit controls, on a phone without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'UTC' });
    const viewer = await context.newPage();
    await signIn(viewer, api.url, 'esc', 'vic@esc.test', 'a-long-enough-password');
    await viewer.getByRole('link', { name: 'Settings' }).click();
    await viewer.getByRole('tab', { name: 'Escalation' }).click();
    await viewer.locator('[data-policy="web outages"] li').waitFor();
    expect(await viewer.getByRole('button', { name: /New escalation policy|Edit web outages|Delete web outages/ }).count()).toBe(0);
    expect(await horizontalOverflow(viewer)).toBe(0);
    await screenshot(viewer, 'settings-escalation-viewer-phone');
    await context.close();
  });

  it('deletes it after saying what deleting does, an incident it is escalating included', async () => {
    // An open incident it paged (no delivery worker in this process: its steps stay queued).
    const host = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.80"]}) { id } }')).createHost.id;
    const monitor = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "web1 ping", type: tcp, hostId: "${host}", config: {port: 80}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    const ref = { id: monitor, tenantId: owner.tenantId, hostId: host, serviceId: null, name: 'web1 ping' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'web1 ping');
    await page.reload();
    await page.getByRole('tab', { name: 'Escalation' }).click();
    expect(await page.locator('[data-policy="web outages"]').getByTestId('escalating').textContent()).toMatch(/^Escalating 1 open incident now/);
    let said = '';
    page.once('dialog', (dialog) => {
      said = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete web outages' }).click();
    await page.getByText('No escalation policies yet').waitFor();
    expect(said).toMatch(/^Delete the escalation policy web outages\? New incidents it would have taken \(every incident\) are paged by every enabled channel at once\. 1 open incident is being escalated by it now: its waiting steps still go out unless acknowledged; the paging report lists its past pages as "since deleted"\.$/);
    expect(await policies()).toEqual([]);
  });
});
