import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, horizontalOverflow, launchChromium, screenshot, signIn } from './support/chromium.js';

interface StoredResource {
  name: string;
  kind: string;
  config: Record<string, unknown>;
  members: { host: { name: string } }[];
  failback: string;
  cooldownMinutes: number;
  approvalRequired: boolean;
}

/**
 * The Resources page makes, edits and deletes failover units of every kind: a VIP group with two members through
 * the form (a bad address refused at its field, nothing saved), edited (members reordered, cooldown and failback
 * changed), deleted after saying what that does; and the forms of two other kinds drawn from `resourceKinds` with
 * their own settings and secrets.
 */
describe.skipIf(!hasChromium)('resources of every kind made, edited and deleted in the dashboard', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string };
  const resources = async (): Promise<StoredResource[]> =>
    (await api.ok<{ resources: { nodes: StoredResource[] } }>('{ resources { nodes { name kind config members { host { name } } failback cooldownMinutes approvalRequired } } }', {}, owner.token)).resources.nodes;

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('resforms');
    for (const [name, address] of [['web1', '192.0.2.11'], ['web2', '192.0.2.12']]) {
      await api.ok(`mutation { createHost(input: {name: "${name}", addresses: ["${address}"]}) { id } }`, {}, owner.token);
    }
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'resforms', owner.email, owner.password);
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByText(/No resources yet/).waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const addMember = async (form: ReturnType<Page['getByRole']>, name: string) => {
    await form.getByLabel('Find a host').fill(name);
    await form.getByLabel('Add a member').locator('option', { hasText: new RegExp(`^${name}$`) }).waitFor({ state: 'attached' });
    await form.getByLabel('Add a member').selectOption({ label: name });
    await form.getByRole('button', { name: 'Add member' }).click();
    await form.locator(`[data-member="${name}"]`).waitFor();
  };

  it('makes a VIP group with two members: a bad address is refused at its field and nothing is saved', async () => {
    await page.getByRole('button', { name: 'New resource' }).click();
    const form = page.getByRole('form', { name: 'New resource' });
    await form.getByLabel('Kind').selectOption('vip_group');
    await form.getByLabel('Name', { exact: true }).fill('www-vip');
    await form.getByLabel('Address', { exact: true }).fill('10.0.0.300');
    await form.getByLabel('Interface', { exact: true }).fill('eth0');
    await addMember(form, 'web1');
    await addMember(form, 'web2');
    await form.getByLabel('Cooldown (minutes)').fill('10');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect.poll(() => form.getByLabel('Address', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/IPv4 address with prefix length/);
    expect(await resources()).toEqual([]);
    await form.getByLabel('Address', { exact: true }).fill('10.0.0.100/24');
    await form.getByRole('button', { name: 'Create resource' }).click();
    const card = page.locator('[data-resource="www-vip"]');
    await card.waitFor();
    expect(await resources()).toEqual([
      { name: 'www-vip', kind: 'vip_group', config: { address: '10.0.0.100/24', interface: 'eth0' }, members: [{ host: { name: 'web1' } }, { host: { name: 'web2' } }], failback: 'stay', cooldownMinutes: 10, approvalRequired: false },
    ]);
    const members = card.getByRole('list', { name: 'Members in preference order' }).getByRole('listitem');
    expect(await members.nth(0).textContent()).toMatch(/web1.*primary/);
    expect(await members.nth(1).textContent()).toMatch(/web2.*standby/);
  });

  it('edits it: web2 moved up, failback automatic, approval required; the stored settings kept', async () => {
    await page.getByRole('button', { name: 'Edit www-vip' }).click();
    const form = page.getByRole('form', { name: 'Edit www-vip' });
    expect(await form.getByLabel('Address', { exact: true }).inputValue()).toBe('10.0.0.100/24');
    expect(await form.getByLabel('Kind').isDisabled()).toBe(true);
    // A cooldown that is not a number is refused by the form at its field, nothing sent.
    await form.getByLabel('Cooldown (minutes)').fill('soon');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByLabel('Cooldown (minutes)').getAttribute('aria-invalid')).toBe('true');
    expect((await resources())[0]!.cooldownMinutes).toBe(10);
    await form.getByLabel('Cooldown (minutes)').fill('15');
    expect(await form.getByLabel('Cooldown (minutes)').getAttribute('aria-invalid')).toBe('false');
    await form.getByRole('button', { name: 'Move web2 up' }).click();
    expect(await form.locator('[data-member]').evaluateAll((els) => els.map((e) => e.getAttribute('data-member')))).toEqual(['web2', 'web1']);
    await form.getByLabel('When the old primary is back').selectOption('auto');
    await form.getByLabel('Failback hold (seconds)').fill('120');
    await form.getByLabel('Failover runs').selectOption('approval');
    await screenshot(page, 'resources-edit');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(async () => (await resources())[0]).toEqual({
      name: 'www-vip', kind: 'vip_group', config: { address: '10.0.0.100/24', interface: 'eth0' }, members: [{ host: { name: 'web2' } }, { host: { name: 'web1' } }], failback: 'auto', cooldownMinutes: 15, approvalRequired: true,
    });
    await expect.poll(() => page.locator('[data-resource="www-vip"]').textContent()).toContain('automatic after 120 s healthy');
    expect(await page.locator('[data-resource="www-vip"]').getByRole('listitem').nth(0).textContent()).toMatch(/web2/);
  });

  it('draws each kind’s own form: a DNS record asks for its zone and its TSIG secret (write-only), an LB pool for its driver and member weights', async () => {
    await page.getByRole('button', { name: 'New resource' }).click();
    const form = page.getByRole('form', { name: 'New resource' });
    await form.getByLabel('Kind').selectOption('dns_record');
    await form.getByLabel('Zone', { exact: true }).waitFor();
    expect(await form.getByLabel('Server', { exact: true }).count()).toBe(1);
    // Its `name` setting is told apart from the resource's own name.
    expect(await form.getByLabel('Record name').count()).toBe(1);
    expect(await form.getByLabel('TSIG secret').getAttribute('type')).toBe('password');
    expect(await form.getByLabel('API key').getAttribute('type')).toBe('password');
    expect(await form.getByLabel('Address', { exact: true }).count()).toBe(0);
    expect(await form.getByLabel('When the old primary is back').count()).toBe(1);
    await form.getByLabel('Kind').selectOption('lb_pool');
    await form.getByLabel('Driver', { exact: true }).waitFor();
    expect(await form.getByLabel('Zone', { exact: true }).count()).toBe(0);
    expect(await form.getByLabel('TSIG secret').count()).toBe(0);
    // No member yet: the API's refusal is shown on the members, nothing saved.
    await form.getByLabel('Name', { exact: true }).fill('app-pool');
    await form.getByLabel('Driver', { exact: true }).selectOption('haproxy');
    await form.getByText('More settings').click();
    await form.getByLabel('Runtime API', { exact: true }).fill('tcp://127.0.0.1:9999');
    await form.getByLabel('Backend', { exact: true }).fill('app');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect.poll(() => form.getByRole('group', { name: 'Members' }).locator('.error').textContent()).toMatch(/needs 1 to 16 members/);
    await addMember(form, 'web1');
    // A weight that is not a number is refused by the form at the member, nothing sent.
    await form.getByLabel('Weight of web1').fill('heavy');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect.poll(() => form.getByLabel('Weight of web1').getAttribute('aria-invalid')).toBe('true');
    // A pool has no primary: every member serves, so there is no failback or fencing to choose.
    expect(await form.getByLabel('When the old primary is back').count()).toBe(0);
    expect(await form.getByLabel('Fencing').count()).toBe(0);
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(await resources()).toHaveLength(1);
  });

  it('deletes it after saying what that does', async () => {
    await page.getByRole('button', { name: 'Delete www-vip' }).click();
    const dialog = page.getByRole('alertdialog', { name: /Delete www-vip\?/ });
    await expect.poll(() => dialog.textContent()).toMatch(/It has no past runs\./);
    expect(await dialog.textContent()).toContain('Vigia stops failing it over at once');
    await dialog.getByRole('button', { name: 'Delete www-vip' }).click();
    await expect.poll(resources).toEqual([]);
    await page.getByText(/No resources yet/).waitFor();
  });

  it('draws no create, edit or delete controls for a viewer (the mutations ask for an operator)', async () => {
    const hosts = (await api.ok<{ hosts: { nodes: { id: string }[] } }>('{ hosts { nodes { id } } }', {}, owner.token)).hosts.nodes;
    await api.ok(`mutation { createResource(input: {name: "ro-vip", kind: vip_group, config: {address: "10.0.0.101/24", interface: "eth0"}, members: [${hosts.map((h) => `{hostId: "${h.id}"}`).join(', ')}]}) { id } }`, {}, owner.token);
    await api.userWithRole(owner.token, 'resforms', 'viewer');
    const viewer = (await api.ok<{ users: { nodes: { email: string; role: string }[] } }>('{ users { nodes { email role } } }', {}, owner.token)).users.nodes.find((u) => u.role === 'viewer')!;
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const seen = await context.newPage();
    await signIn(seen, api.url, 'resforms', viewer.email, 'a-long-enough-password');
    await seen.getByRole('link', { name: 'Resources' }).click();
    await seen.locator('[data-resource="ro-vip"]').waitFor();
    expect(await seen.getByRole('button', { name: 'New resource' }).count()).toBe(0);
    expect(await seen.getByRole('button', { name: 'Edit ro-vip' }).count()).toBe(0);
    expect(await seen.getByRole('button', { name: 'Delete ro-vip' }).count()).toBe(0);
    await context.close();
  });
});
