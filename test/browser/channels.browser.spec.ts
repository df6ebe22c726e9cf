import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedSignature, RecordingServer } from '../support/recording-server.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

const SECRET = 'hook-signing-secret-0123456789';

/**
 * Settings → Alert channels for every channel type, not only e-mail: a signed webhook made through the form (its
 * secret's rule refused at the field, nothing saved), tested for real against a recording server on loopback (the
 * signature checked with the secret), edited with the secret left empty (kept: the next test is signed with it),
 * another type's form (PagerDuty: its key named as PagerDuty names it), and deleted after saying what that does.
 */
describe.skipIf(!hasChromium)('alert channels of every type in the dashboard', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let hook: RecordingServer;
  let owner: { token: string; email: string; password: string };
  const channels = async (): Promise<{ name: string; type: string; config: Record<string, unknown> }[]> =>
    (await api.ok<{ alertChannels: { nodes: { name: string; type: string; config: Record<string, unknown> }[] } }>('{ alertChannels { nodes { name type config } } }', {}, owner.token)).alertChannels.nodes;
  /** The last test message the hook received, and whether its signature is the one SECRET makes. */
  const lastSigned = (): { event: string; signedWithSecret: boolean } => {
    const hit = hook.hits.at(-1)!;
    return { event: (JSON.parse(hit.body) as { event: string }).event, signedWithSecret: hit.headers['x-vigia-signature'] === expectedSignature(SECRET, hit) };
  };

  beforeAll(async () => {
    hook = await new RecordingServer().start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' });
    owner = await api.tenant('chans');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'chans', owner.email, owner.password);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Alert channels' }).click();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await hook?.stop();
  });

  it('makes a signed webhook: a secret too short is refused at its field and nothing is saved', async () => {
    const form = page.getByRole('form', { name: 'New alert channel' });
    await form.getByLabel('Type', { exact: true }).selectOption('webhook');
    await form.getByLabel('Name', { exact: true }).fill('ops hook');
    await form.getByLabel('URL').fill(`${hook.url}/vigia`);
    await form.getByLabel('Signing secret').fill('short');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await expect.poll(() => form.getByLabel('Signing secret').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/at least 16 characters/);
    expect(await channels()).toEqual([]);
    await form.getByLabel('Signing secret').fill(SECRET);
    await form.getByRole('button', { name: 'Add channel' }).click();
    await page.locator('[data-channel="ops hook"]').waitFor();
    expect(await channels()).toEqual([{ name: 'ops hook', type: 'webhook', config: { url: `${hook.url}/vigia` } }]);
  });

  it('sends a test for real, signed with the secret', async () => {
    await page.locator('[data-channel="ops hook"]').getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => page.locator('[data-channel="ops hook"] [data-testid="last-delivery"]').textContent(), { timeout: 20_000 }).toMatch(/✓ delivered/);
    expect(hook.hits.filter((h) => h.path === '/vigia')).toHaveLength(1);
    expect(lastSigned()).toEqual({ event: 'test', signedWithSecret: true });
  });

  it('edits it with the secret left empty: renamed, and the next test is still signed with the stored secret', async () => {
    await page.getByRole('button', { name: 'Edit ops hook' }).click();
    const form = page.getByRole('form', { name: 'Edit ops hook' });
    expect(await form.getByLabel('URL').inputValue()).toBe(`${hook.url}/vigia`);
    expect(await form.getByLabel('Signing secret').inputValue()).toBe('');
    await form.getByLabel('Name', { exact: true }).fill('ops hook 2');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-channel="ops hook 2"]').waitFor();
    await page.locator('[data-channel="ops hook 2"]').getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => hook.hits.filter((h) => h.path === '/vigia').length, { timeout: 20_000 }).toBe(2);
    expect(lastSigned()).toEqual({ event: 'test', signedWithSecret: true });
  });

  it('draws each type’s own form: PagerDuty asks for its integration key', async () => {
    const form = page.getByRole('form', { name: 'New alert channel' });
    await form.getByLabel('Type', { exact: true }).selectOption('pagerduty');
    await form.getByLabel('Integration (routing) key').waitFor();
    expect(await form.getByLabel('Integration (routing) key').getAttribute('type')).toBe('password');
    await screenshot(page, 'settings-channels');
  });

  it('deletes it after saying what that does: the policy step it alone served would page nobody', async () => {
    const hookId = (await api.ok<{ alertChannels: { nodes: { id: string }[] } }>('{ alertChannels { nodes { id } } }', {}, owner.token)).alertChannels.nodes[0]!.id;
    await api.ok(`mutation { createEscalationPolicy(input: {name: "night", steps: [{delayMinutes: 0, channelIds: ["${hookId}"]}]}) { id } }`, {}, owner.token);
    await page.reload();
    await page.getByRole('tab', { name: 'Alert channels' }).click();
    await page.getByRole('button', { name: 'Delete ops hook 2' }).click();
    expect(await page.getByRole('alertdialog', { name: 'Delete ops hook 2?' }).textContent()).toContain('night sends to it and will stop. night step 1 would then page nobody.');
    await page.getByRole('alertdialog', { name: 'Delete ops hook 2?' }).getByRole('button', { name: 'Delete ops hook 2' }).click();
    await expect.poll(channels).toEqual([]);
  });
});
