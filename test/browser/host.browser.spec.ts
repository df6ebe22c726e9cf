import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSshKey } from '../support/ssh-key.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

interface HostView {
  name: string;
  addresses: string[];
  tags: string[];
  sshPort: number;
  sshHostKey: string | null;
}

/**
 * A host's page, reached from Hosts: its monitors, edit with the API's errors at the field and nothing half-saved,
 * its SSH host key pinned from the page (two real SSH servers on loopback: "the host" before and after its key
 * changed; the replacement shows both fingerprints and waits for a confirmation), and a delete that says first what
 * it does.
 */
describe.skipIf(!hasChromium)('a host’s page', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string };
  let hostId: string;
  const servers: InstanceType<typeof ssh2.Server>[] = [];
  const ports: number[] = [];
  const host = async (): Promise<HostView> =>
    (await api.ok<{ host: HostView }>(`{ host(id: "${hostId}") { name addresses tags sshPort sshHostKey } }`, {}, owner.token)).host;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const server = new ssh2.Server({ hostKeys: [testSshKey()] }, (client) => {
        client.on('authentication', (ctx) => ctx.reject());
        client.on('error', () => undefined);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
    api = await startTestApi();
    owner = await api.tenant('hostpage');
    hostId = (await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "db1", addresses: ["127.0.0.1"], sshPort: ${ports[0]}}) { id } }`, {}, owner.token)).createHost.id;
    await api.ok(`mutation { createMonitor(input: {name: "db1 ping", type: icmp, hostId: "${hostId}", config: {}, intervalMs: 60000, timeoutMs: 1000}) { id } }`, {}, owner.token);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'hostpage', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    for (const s of servers) s.close();
  });

  it('from Hosts: addresses, SSH access and its monitors, each linked to its page', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('link', { name: 'db1', exact: true }).click();
    await page.getByRole('heading', { name: 'db1', level: 1 }).waitFor();
    expect(await page.getByTestId('host-addresses').textContent()).toBe('127.0.0.1');
    expect(await page.getByTestId('host-ssh').textContent()).toContain(`root@127.0.0.1:${ports[0]}`);
    expect(await page.getByTestId('host-ssh').textContent()).toContain('host key not pinned');
    expect(await page.locator('[data-monitor="db1 ping"] a').getAttribute('href')).toMatch(/^\/monitors\/[0-9a-f-]{36}$/);
  });

  it('edits: a bad address is shown at its field and nothing is saved, the name included; then a good edit is saved', async () => {
    const form = page.getByRole('form', { name: 'Edit the host' });
    await form.getByLabel('Name').fill('db1-renamed');
    await form.getByLabel('Addresses').fill('127.0.0.1 300.1.2.3');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByLabel('Addresses').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/address/i);
    expect(await host()).toMatchObject({ name: 'db1', addresses: ['127.0.0.1'] });
    await form.getByLabel('Addresses').fill('127.0.0.1');
    await form.getByLabel('Tags').fill('mysql madrid');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await host()).toMatchObject({ name: 'db1-renamed', addresses: ['127.0.0.1'], tags: ['mysql', 'madrid'] });
    await page.getByRole('heading', { name: 'db1-renamed', level: 1 }).waitFor();
  });

  it('pins the host key; a changed key shows both fingerprints and is replaced only when confirmed', async () => {
    const pin = page.getByRole('region', { name: 'SSH host key' });
    await pin.getByRole('button', { name: 'Read and pin the key it presents now' }).click();
    await pin.getByTestId('pin-result').waitFor();
    const first = (await host()).sshHostKey!;
    expect(first).toMatch(/^SHA256:/);
    expect(await pin.getByTestId('pin-result').textContent()).toBe(`Pinned ${first}.`);
    // "The host" now answers with another key: the second server, reached by changing the SSH port in the form.
    const form = page.getByRole('form', { name: 'Edit the host' });
    await form.getByLabel('SSH port').fill(String(ports[1]));
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await pin.getByRole('button', { name: 'Read and pin the key it presents now' }).click();
    const conflict = pin.getByTestId('pin-conflict');
    await conflict.waitFor();
    const text = (await conflict.textContent())!;
    expect(text).toContain(first);
    expect(text).not.toContain('replace: true');
    expect((await host()).sshHostKey).toBe(first);
    await screenshot(page, 'host-key-changed');
    await conflict.getByRole('button', { name: 'Replace the pinned key' }).click();
    await expect.poll(() => pin.getByTestId('pin-result').textContent()).toMatch(/^Replaced SHA256:\S+ with SHA256:\S+\.$/);
    const second = (await host()).sshHostKey!;
    expect(second).not.toBe(first);
    expect(await pin.getByTestId('pin-result').textContent()).toBe(`Replaced ${first} with ${second}.`);
  });

  it('delete says what it does first, and keeps the host until confirmed', async () => {
    await page.getByRole('button', { name: 'Delete…' }).click();
    const consequences = (await page.getByTestId('delete-consequences').textContent())!;
    expect(consequences).toMatch(/Delete db1-renamed\? It and its 0 services and 1 monitor are hidden at once/);
    expect(consequences).toContain('Past reports still count them');
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect((await host()).name).toBe('db1-renamed');
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete db1-renamed' }).click();
    await page.getByRole('heading', { name: 'Hosts', level: 1 }).waitFor();
    const res = await api.gql(`{ host(id: "${hostId}") { name } }`, {}, owner.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

/** Hosts page: several hosts tagged, moved to a site and deleted at once, each action all or nothing. */
describe.skipIf(!hasChromium)('bulk actions on the Hosts page', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string };
  const hosts = async (): Promise<{ name: string; tags: string[]; site: { name: string } | null }[]> =>
    (await api.ok<{ hosts: { nodes: { name: string; tags: string[]; site: { name: string } | null }[] } }>('{ hosts { nodes { name tags site { name } } } }', {}, owner.token)).hosts.nodes;

  const hostIds: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('bulkui');
    for (const name of ['web1', 'web2', 'db1']) {
      const id = (await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["192.0.2.1"]}) { id } }`, {}, owner.token)).createHost.id;
      hostIds[name] = id;
      await api.ok(`mutation { createMonitor(input: {name: "${name} ping", type: icmp, hostId: "${id}", config: {}, intervalMs: 60000, timeoutMs: 1000}) { id } }`, {}, owner.token);
    }
    await api.ok('mutation { createSite(input: {name: "madrid"}) { id } }', {}, owner.token);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'bulkui', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('on the Fleet: selects what a search shows, pauses and resumes it, and nothing else', async () => {
    const enabled = async (): Promise<Record<string, boolean>> =>
      Object.fromEntries((await api.ok<{ monitors: { nodes: { name: string; enabled: boolean }[] } }>('{ monitors { nodes { name enabled } } }', {}, owner.token)).monitors.nodes.map((m) => [m.name, m.enabled]));
    await page.getByRole('searchbox').fill('web');
    await expect.poll(() => page.locator('[data-monitor]').count()).toBe(2);
    const bar = page.getByRole('toolbar', { name: 'With the selected monitors' });
    await bar.getByRole('button', { name: 'Select the 2 shown' }).click();
    await bar.getByRole('button', { name: 'Pause', exact: true }).click();
    await bar.getByRole('status').filter({ hasText: '2 monitors paused.' }).waitFor();
    expect(await enabled()).toEqual({ 'db1 ping': true, 'web1 ping': false, 'web2 ping': false });
    await expect.poll(() => page.locator('[data-monitor="web1 ping"]').getAttribute('data-state')).toBe('disabled');
    await page.getByRole('checkbox', { name: 'Select web2 / web2 ping' }).uncheck();
    await bar.getByRole('button', { name: 'Resume', exact: true }).click();
    await bar.getByRole('status').filter({ hasText: '1 monitor resumed.' }).waitFor();
    expect(await enabled()).toEqual({ 'db1 ping': true, 'web1 ping': true, 'web2 ping': false });
    await page.getByRole('link', { name: 'Hosts' }).click();
  });

  it('on the Fleet: two hosts\' "http" (names are unique per host) are told apart when selected and when deleted', async () => {
    for (const host of ['web1', 'web2']) {
      await api.ok(`mutation { createMonitor(input: {name: "http", type: tcp, hostId: "${hostIds[host]}", config: {port: 80}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`, {}, owner.token);
    }
    await page.getByRole('link', { name: 'Fleet' }).click();
    await page.getByRole('searchbox').fill('http');
    await expect.poll(() => page.locator('[data-monitor="http"]').count()).toBe(2);
    await page.getByRole('checkbox', { name: 'Select web1 / http' }).check();
    await page.getByRole('checkbox', { name: 'Select web2 / http' }).check();
    const bar = page.getByRole('toolbar', { name: 'With the selected monitors' });
    await bar.getByRole('button', { name: 'Delete…' }).click();
    expect(await bar.getByTestId('bulk-delete-consequences').textContent()).toMatch(/^Delete web1 \/ http, web2 \/ http\? /);
    await bar.getByRole('button', { name: 'Delete 2 monitors' }).click();
    await bar.getByRole('status').filter({ hasText: '2 monitors deleted.' }).waitFor();
    const left = await api.ok<{ monitors: { nodes: { name: string }[] } }>('{ monitors { nodes { name } } }', {}, owner.token);
    expect(left.monitors.nodes.map((m) => m.name).sort()).toEqual(['db1 ping', 'web1 ping', 'web2 ping']);
    await page.getByRole('link', { name: 'Hosts' }).click();
  });

  it('tags two hosts, refuses a bad tag for all of them, moves them to a site, then deletes them after saying what goes', async () => {
    await page.getByRole('checkbox', { name: 'Select web1' }).check();
    await page.getByRole('checkbox', { name: 'Select web2' }).check();
    const bar = page.getByRole('toolbar', { name: 'With the selected hosts' });
    expect(await bar.textContent()).toContain('2 hosts selected');
    await bar.getByLabel('Tag', { exact: true }).fill('front end');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await expect.poll(() => bar.getByRole('alert').first().textContent()).toMatch(/Tag "front end": must be 1-63 letters/);
    expect((await hosts()).map((h) => h.tags)).toEqual([[], [], []]);
    await bar.getByLabel('Tag', { exact: true }).fill('front');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByRole('status').filter({ hasText: 'Tag front added to 2 hosts.' }).waitFor();
    await bar.getByLabel('Site for the selected hosts').selectOption({ label: 'madrid' });
    await bar.getByRole('button', { name: 'Move', exact: true }).click();
    await bar.getByRole('status').filter({ hasText: '2 hosts moved to madrid.' }).waitFor();
    expect(await hosts()).toEqual([
      { name: 'db1', tags: [], site: null },
      { name: 'web1', tags: ['front'], site: { name: 'madrid' } },
      { name: 'web2', tags: ['front'], site: { name: 'madrid' } },
    ]);
    await bar.getByRole('button', { name: 'Delete…' }).click();
    expect(await bar.getByTestId('bulk-delete-consequences').textContent()).toMatch(/^Delete web1, web2\? They and their services and monitors are hidden at once/);
    await bar.getByRole('button', { name: 'Delete 2 hosts' }).click();
    await expect.poll(async () => (await hosts()).map((h) => h.name)).toEqual(['db1']);
    await expect.poll(() => page.locator('[data-host]').count()).toBe(1);
  });
});
