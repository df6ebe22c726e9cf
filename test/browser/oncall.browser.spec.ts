import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, horizontalOverflow, launchChromium, screenshot, signIn } from './support/chromium.js';

/**
 * The on-call page in a real browser: who is on call in the top bar, a schedule's next 14 days, an override added (in
 * the schedule's zone), a schedule created, edited and deleted through its form, a contact method and rules added.
 */
describe.skipIf(!hasChromium)('on call in headless chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string };
  const ids: Record<string, string> = {};
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, owner.token);
  const user = async (name: string): Promise<string> =>
    (await gql<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `${name}@rota.test`, displayName: name, role: 'operator', password: 'a-long-enough-password' } })).createUser.id;
  /** `YYYY-MM-DDTHH:MM` of an instant's UTC wall clock, for datetime-local inputs (read by the form in the schedule's zone). */
  const inputTime = (ms: number): string => new Date(ms).toISOString().slice(0, 16);

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('rota');
    const [ana, ben] = [await user('ana'), await user('ben')];
    Object.assign(ids, { ana, ben, cho: await user('cho') });
    await gql('mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }', {
      i: { name: 'Primary', timeZone: 'Europe/Madrid', layers: [{ name: 'days', participantIds: [ana, ben], rotationEvery: 1, rotationUnit: 'days', start: '2026-01-05T09:00', restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '00:00', to: '00:00' }] }] },
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: 'UTC' })).newPage();
    await signIn(page, api.url, 'rota', owner.email, owner.password);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('says who is on call in the top bar, as the API does', async () => {
    const { whoIsOnCall } = await gql<{ whoIsOnCall: { shift: { userName: string | null } }[] }>('{ whoIsOnCall { shift { userName } } }');
    const expected = whoIsOnCall[0]!.shift.userName ?? 'nobody';
    await expect.poll(() => page.getByTestId('on-call-now').textContent()).toBe(`On call: ${expected} (Primary)`);
  });

  it('draws the next 14 days with the weekend gaps, and adds an override that shows up in them', async () => {
    await page.getByRole('link', { name: 'On call' }).click();
    await page.getByRole('heading', { name: /Primary: the next 14 days/ }).waitFor();
    const rows = page.locator('tr[data-shift]');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    // Weekends are outside the layer's restriction: two gaps in any 14 days.
    expect(await page.locator('tr[data-shift="gap"]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.shift-strip .shift').count()).toBe(await rows.count());
    expect(await page.locator('tr[data-shift="cho"]').count()).toBe(0);

    const form = page.getByRole('form', { name: 'Add an override' });
    const start = Date.now() + 2 * 86_400_000;
    await form.getByLabel('Who covers').selectOption({ label: 'cho' });
    await form.getByLabel('From').fill(inputTime(start));
    await form.getByLabel('Until').fill(inputTime(start - 3_600_000));
    await form.getByRole('button', { name: 'Add override' }).click();
    await expect.poll(() => form.getByRole('alert').first().textContent()).toBe('must be after the start');
    await form.getByLabel('Until').fill(inputTime(start + 3 * 3_600_000));
    await form.getByRole('button', { name: 'Add override' }).click();
    await page.locator('tr[data-shift="cho"]').first().waitFor();
    await expect.poll(() => page.locator('tr[data-shift="cho"] td').nth(3).textContent()).toBe('override');
    await screenshot(page, 'oncall');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  const scheduleNamed = async (name: string) => {
    const { schedules } = await gql<{ schedules: { id: string; name: string; timeZone: string; layers: { name: string; participantIds: string[]; rotationEvery: number; rotationUnit: string; start: string; restrictions: { days: string[]; from: string; to: string }[] }[] }[] }>(
      '{ schedules { id name timeZone layers { name participantIds rotationEvery rotationUnit start restrictions { days from to } } } }',
    );
    return schedules.find((s) => s.name === name);
  };

  it('creates a schedule through its form: a bad rotation length is named beside its field, then it is saved', async () => {
    await page.getByRole('button', { name: 'New schedule' }).click();
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Name', { exact: true }).fill('Tokyo desk');
    await form.getByLabel('Time zone').selectOption('Asia/Tokyo');
    const layer = form.getByRole('group', { name: 'Layer 1' });
    await layer.getByLabel('Layer name').fill('weekdays');
    await layer.getByLabel('Rotates every').fill('0');
    await layer.getByLabel('Unit').selectOption('days');
    await layer.getByLabel('First handoff').fill('2026-01-05T09:00');
    expect(await layer.getByText('in Asia/Tokyo; later handoffs keep its time of day').count()).toBe(1);
    // Participants in order: ben added first, then ana moved above him, by keyboard.
    for (const who of ['ben', 'ana']) {
      await layer.getByLabel('Add a participant').selectOption({ label: who });
      await layer.getByRole('button', { name: 'Add', exact: true }).click();
    }
    await layer.getByRole('button', { name: 'Move ana up' }).focus();
    await page.keyboard.press('Enter');
    expect(await layer.locator('li[data-participant]').evaluateAll((li) => li.map((l) => l.getAttribute('data-participant')))).toEqual(['ana', 'ben']);
    await layer.getByRole('button', { name: 'Add a restriction' }).click();
    const restriction = layer.getByRole('group', { name: 'Layer 1, restriction 1' });
    await restriction.getByLabel('Sat').check();
    await restriction.getByLabel('From').fill('07:30');

    await form.getByRole('button', { name: 'Create schedule' }).click();
    const every = layer.getByLabel('Rotates every');
    await expect.poll(() => every.getAttribute('aria-invalid')).toBe('true');
    expect(await layer.getByRole('alert').textContent()).toBe('must be at least 1');
    expect(await scheduleNamed('Tokyo desk')).toBeUndefined();

    await every.fill('2');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('heading', { name: /Tokyo desk: the next 14 days/ }).waitFor();
    expect(await form.count()).toBe(0);
    const saved = await scheduleNamed('Tokyo desk');
    expect(saved).toMatchObject({
      timeZone: 'Asia/Tokyo',
      layers: [{ participantIds: [ids.ana, ids.ben], rotationEvery: 2, rotationUnit: 'days', start: '2026-01-05T09:00', restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '07:30', to: '18:00' }] }],
    });
  });

  it('reads an override in the schedule\'s zone (Asia/Tokyo, UTC+9), not the browser\'s (UTC)', async () => {
    await page.getByLabel('Schedule', { exact: true }).selectOption({ label: 'Tokyo desk' });
    const form = page.getByRole('form', { name: 'Add an override' });
    expect(await form.getByText("in Asia/Tokyo, the schedule's zone").count()).toBe(1);
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Who covers').selectOption({ label: 'cho' });
    await form.getByLabel('From').fill(`${day}T10:00`);
    await form.getByLabel('Until').fill(`${day}T13:00`);
    await form.getByRole('button', { name: 'Add override' }).click();
    await page.locator('tr[data-shift="cho"]').first().waitFor();
    const id = (await scheduleNamed('Tokyo desk'))!.id;
    const { schedule } = await gql<{ schedule: { overrides: { userId: string; startsAt: string; endsAt: string }[] } }>('query($id: ID!) { schedule(id: $id) { overrides { userId startsAt endsAt } } }', { id });
    // 10:00 in Tokyo is 01:00 UTC (Japan keeps no summer time); read in the browser's zone it would have been 10:00 UTC.
    expect(schedule.overrides.map((o) => ({ userId: o.userId, startsAt: new Date(o.startsAt).toISOString(), endsAt: new Date(o.endsAt).toISOString() }))).toEqual([
      { userId: ids.cho, startsAt: `${day}T01:00:00.000Z`, endsAt: `${day}T04:00:00.000Z` },
    ]);
    // And the table, in the schedule's zone, shows it from 10:00.
    expect(await page.locator('tr[data-shift="cho"] td').first().textContent()).toContain('10:00');
    // Listed with the overrides, in the same zone, and removed from there.
    const listed = page.locator('tr[data-override="cho"]');
    expect(await listed.locator('td').first().textContent()).toContain('10:00');
    await listed.getByRole('button', { name: /^Remove the override of cho from/ }).click();
    await expect.poll(async () => (await gql<{ schedule: { overrides: unknown[] } }>('query($id: ID!) { schedule(id: $id) { overrides { id } } }', { id })).schedule.overrides.length).toBe(0);
    await expect.poll(() => listed.count()).toBe(0);
  });

  it('adds a contact method (a phone not in E.164 named beside its field first) and rules: SMS at once, voice after 5 min', async () => {
    const add = page.getByRole('form', { name: 'Add a contact method' });
    await add.getByLabel('Kind').selectOption('phone');
    await add.getByLabel('Address').fill('600 111 222');
    await add.getByRole('button', { name: 'Add contact method' }).click();
    await expect.poll(() => add.getByLabel('Address').getAttribute('aria-invalid')).toBe('true');
    expect(await add.getByRole('alert').textContent()).toMatch(/^must be a phone number in E\.164 form/);
    await add.getByLabel('Address').fill('+34600111222');
    await add.getByLabel('Label').fill('work mobile');
    await add.getByRole('button', { name: 'Add contact method' }).click();
    await page.locator('tr[data-contact="+34600111222"]').waitFor();

    const rules = page.getByRole('form', { name: 'Notification rules' });
    await rules.getByRole('button', { name: 'Add a rule' }).click();
    await rules.getByRole('button', { name: 'Add a rule' }).click();
    await rules.getByRole('group', { name: 'Rule 2' }).getByLabel('As').selectOption('voice');
    expect(await rules.getByRole('group', { name: 'Rule 2' }).getByLabel('After (minutes)').inputValue()).toBe('5');
    await rules.getByRole('button', { name: 'Save rules' }).click();
    await expect.poll(() => page.getByTestId('rules-summary').textContent()).toBe('SMS to +34600111222 at once, voice call to +34600111222 after 5 min');
    const saved = await gql<{ contactMethods: { id: string; kind: string; address: string; label: string }[]; notificationRules: { contactMethodId: string; delayMinutes: number; phoneMode: string }[] }>(
      '{ contactMethods { id kind address label } notificationRules { contactMethodId delayMinutes phoneMode } }',
    );
    expect(saved.contactMethods).toMatchObject([{ kind: 'phone', address: '+34600111222', label: 'work mobile' }]);
    const phone = saved.contactMethods[0]!.id;
    expect(saved.notificationRules).toEqual([
      { contactMethodId: phone, delayMinutes: 0, phoneMode: 'sms' },
      { contactMethodId: phone, delayMinutes: 5, phoneMode: 'voice' },
    ]);
    await screenshot(page, 'oncall-people');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('edits and deletes a schedule; its form fits a phone', async () => {
    await page.getByLabel('Schedule', { exact: true }).selectOption({ label: 'Tokyo desk' });
    await page.getByRole('button', { name: 'Edit schedule' }).click();
    const form = page.getByRole('form', { name: 'Edit schedule Tokyo desk' });
    // The Edit button is gone once the form is open: the focus is in the form, on its first field.
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { value?: string } | null } }).document.activeElement?.value)).toBe('Tokyo desk');
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    await form.getByLabel('Name', { exact: true }).fill('Tokyo nights');
    await form.getByRole('button', { name: 'Remove layer 1, restriction 1' }).click();
    await form.getByRole('button', { name: 'Add a layer' }).click();
    const second = form.getByRole('group', { name: 'Layer 2' });
    await second.getByLabel('Add a participant').selectOption({ label: 'cho' });
    await second.getByRole('button', { name: 'Add', exact: true }).click();
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, 'oncall-schedule-form-phone');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1366, height: 768 });
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('heading', { name: /Tokyo nights: the next 14 days/ }).waitFor();
    expect(await scheduleNamed('Tokyo nights')).toMatchObject({ layers: [{ participantIds: [ids.ana, ids.ben], restrictions: [] }, { name: 'Layer 2', participantIds: [ids.cho] }] });

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete schedule' }).click();
    await expect.poll(async () => (await scheduleNamed('Tokyo nights')) === undefined).toBe(true);
    await page.getByRole('heading', { name: /Primary: the next 14 days/ }).waitFor();
  });
});
