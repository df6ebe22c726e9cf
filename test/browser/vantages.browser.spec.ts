import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAgent } from '../support/fake-agent.js';
import { type RunningProcess, startProcess } from '../support/process-harness.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

interface AssignmentView {
  central: boolean;
  agents: { name: string }[];
  quorum: number;
  majority: boolean;
  inherited: boolean;
}

interface VantageView {
  name: string;
  kind: string;
  region: string | null;
  lastHeartbeatAt: string | null;
  revokedAt: string | null;
}

/**
 * Vantages in the dashboard, against the real API with a central watchdog: a private vantage created from the page
 * (its token shown once, with the command that runs its agent), a real agent process started with that token on
 * loopback and seen connected on the page, a monitor's vantages and quorum (too large: refused at the field and
 * nothing saved; then saved), the company default likewise, a viewer without edit controls, and revoke (said first,
 * the agent cut off).
 */
describe.skipIf(!hasChromium)('the Vantages page', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string; slug: string };
  let monitorId: string;
  let otherMonitorId: string;
  let token: string;
  let agent: RunningProcess | undefined;
  const assignment = async (id: string): Promise<AssignmentView | null> =>
    (await api.ok<{ monitor: { vantageAssignment: AssignmentView | null } }>(
      `{ monitor(id: "${id}") { vantageAssignment { central agents { name } quorum majority inherited } } }`, {}, owner.token,
    )).monitor.vantageAssignment;
  const vantage = async (name: string): Promise<VantageView | undefined> =>
    (await api.ok<{ vantages: VantageView[] }>('{ vantages { name kind region lastHeartbeatAt revokedAt } }', {}, owner.token)).vantages.find((v) => v.name === name);
  const row = (name: string) => page.locator(`tr[data-vantage="${name}"]`);

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform' });
    owner = await api.tenant('acme');
    const hostId = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, owner.token)).createHost.id;
    const monitor = async (name: string) =>
      (await api.ok<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name}", type: tcp, hostId: "${hostId}", config: {port: 9}, intervalMs: 60000, timeoutMs: 1000}) { id } }`, {}, owner.token,
      )).createMonitor.id;
    monitorId = await monitor('web1 tcp');
    otherMonitorId = await monitor('web1 other');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'acme', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
    await browser?.close();
    await api?.close();
  });

  it('lists the platform’s central watchdog with its heartbeat and the monitors it probes', async () => {
    await page.getByRole('link', { name: 'Vantages' }).click();
    await page.getByRole('heading', { name: 'Vantages', level: 1 }).waitFor();
    await row('central').waitFor();
    expect(await row('central').locator('td').nth(1).textContent()).toBe('platform, central watchdog');
    expect(await row('central').getByTestId('vantage-heartbeat').textContent()).toMatch(/^last heartbeat (just now|\d+ s ago) \(/);
    // Both monitors have no assignment: the central watchdog alone probes them.
    await expect.poll(() => row('central').getByTestId('vantage-monitors').textContent()).toBe('2');
  });

  it('creates a private vantage: its token once, with the command that runs its agent; gone on reload', async () => {
    const form = page.getByRole('form', { name: 'Add a vantage' });
    await form.getByLabel('Name').fill('bad name!');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await vantage('bad name!')).toBeUndefined();
    // A platform vantage needs an admin of the platform company: refused at the kind, nothing made.
    await form.getByLabel('Name').fill('office');
    await form.getByLabel('Kind').selectOption('platform');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByLabel('Kind').getAttribute('aria-invalid')).toBe('true');
    expect(await vantage('office')).toBeUndefined();
    await form.getByLabel('Kind').selectOption('private');
    await form.getByLabel('Region').fill('madrid-dc2');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByTestId('vantage-token').waitFor();
    token = (await form.getByTestId('token').textContent())!;
    expect(token).toMatch(/^vgv_[A-Za-z0-9_-]{43}$/);
    expect(await form.getByTestId('agent-command').textContent()).toBe(`VIGIA_API_URL=${api.url} VIGIA_VANTAGE_TOKEN=${token} npm run start:agent`);
    const setup = (await form.getByTestId('vantage-token').textContent())!;
    expect(setup).toContain('not shown again');
    expect(setup).toContain('deploy/systemd/vigia-agent.service');
    expect(setup).toContain('deploy/Dockerfile');
    expect(await vantage('office')).toMatchObject({ kind: 'private', region: 'madrid-dc2', lastHeartbeatAt: null, revokedAt: null });
    await row('office').waitFor();
    expect(await row('office').getByTestId('vantage-heartbeat').textContent()).toMatch(/no heartbeat yet/);
    expect(await row('office').getByTestId('vantage-verdict').textContent()).toBe('waiting for its agent to connect: no votes until it does');
    await screenshot(page, 'vantage-created');
    await page.reload();
    await row('office').waitFor();
    expect(await page.locator('body').textContent()).not.toContain(token);
  });

  it('says a vantage that skips more than a trace of its slots is overloaded', async () => {
    // As a saturated agent reports it in its heartbeat (the share of due slots skipped or shed over the last minute).
    await api.app.get(DataSource).query("UPDATE vantages SET skipped_share = 0.25 WHERE name = 'office'");
    await page.reload();
    await row('office').waitFor();
    expect(await row('office').getByTestId('vantage-overloaded').textContent()).toBe('overloaded: 25 % of its probe slots skipped in the last minute — it probes less often than asked');
    expect(await row('central').getByTestId('vantage-overloaded').count()).toBe(0);
  });

  it('shows a real agent started with that token connected, with a recent heartbeat', async () => {
    // The agent process as `npm run start:agent` runs it, on loopback: no database, only the API's URL and the token.
    agent = startProcess('apps/agent/src/main.js', { VIGIA_API_URL: api.url, VIGIA_VANTAGE_TOKEN: token, LOG_LEVEL: 'info' });
    await expect.poll(async () => (await vantage('office'))?.lastHeartbeatAt ?? null, { timeout: 20_000 }).not.toBeNull();
    // The page reads again every 10 s by itself.
    await expect
      .poll(() => row('office').getByTestId('vantage-heartbeat').textContent(), { timeout: 15_000 })
      .toMatch(/^last heartbeat (just now|\d+ s ago) \(/);
    expect(await row('office').getByTestId('vantage-verdict').textContent()).toBe('healthy, votes');
    expect(await row('office').locator('td').nth(3).textContent()).toMatch(/clock [+−]\d+ ms off · [\d.]+ probes\/s/);
    expect(await row('office').locator('td').nth(2).textContent()).toBe('madrid-dc2');
    // Its own heartbeat says what it skipped (nothing): the overloaded line is gone.
    expect(await row('office').getByTestId('vantage-overloaded').count()).toBe(0);
  });

  it('a monitor’s vantages: a quorum above the vantages chosen is refused at its field with nothing saved; a good one is saved', async () => {
    await page.goto(`${api.url}/monitors/${monitorId}`);
    const form = page.getByRole('form', { name: 'Probe it from' });
    await form.waitFor();
    expect(await page.getByTestId('monitor-assignment').textContent()).toMatch(/^The central watchdog alone/);
    await form.getByLabel('these vantages:').check();
    await form.getByRole('checkbox', { name: /^office / }).check();
    await form.getByLabel('Quorum').fill('2');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByLabel('Quorum').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').textContent()).toBe('2 is more than the 1 vantage(s) assigned: down could never be confirmed');
    expect(await assignment(monitorId)).toBeNull();
    await form.getByRole('checkbox', { name: /^central / }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await assignment(monitorId)).toEqual({ central: true, agents: [{ name: 'office' }], quorum: 2, majority: false, inherited: false });
    await expect.poll(() => page.getByTestId('monitor-assignment').textContent()).toBe('The central watchdogs, office; down needs 2.');
    await screenshot(page, 'monitor-vantages');
    // Opened again, the form shows what is set (it showed "every platform vantage" and an empty quorum, so a quorum
    // typed alone and saved dropped the agent without a word — found by an operator walkthrough).
    await page.reload();
    await form.waitFor();
    expect(await form.getByLabel('these vantages:').isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: /^central / }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: /^office / }).isChecked()).toBe(true);
    expect(await form.getByLabel('Quorum').inputValue()).toBe('2');
    // 2 of 2: allowed, but said what it costs (one vantage lost and nothing can be confirmed down).
    expect(await form.getByTestId('quorum-all').textContent()).toMatch(/^Every vantage must confirm: with one of them impaired, cut off or revoked, no outage of this monitor can be confirmed/);
    await form.getByLabel('Quorum').fill('1');
    expect(await form.getByTestId('quorum-all').count()).toBe(0);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await assignment(monitorId)).toEqual({ central: true, agents: [{ name: 'office' }], quorum: 1, majority: false, inherited: false });
    await form.getByLabel('Quorum').fill('2');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await assignment(monitorId))?.quorum).toBe(2);
  });

  it('the company default: refused at its field with nothing saved, then saved and inherited by a monitor without its own', async () => {
    await page.getByRole('link', { name: 'Vantages' }).click();
    const form = page.getByRole('form', { name: 'Company default' });
    await form.waitFor();
    // Every platform vantage is one voter here (the central watchdogs): a quorum of 3 can never be reached.
    await form.getByLabel('Quorum').fill('3');
    await form.getByRole('button', { name: 'Save the default' }).click();
    await expect.poll(() => form.getByLabel('Quorum').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').textContent()).toMatch(/^3 is more than the 1 vantage\(s\) assigned/);
    expect(await assignment(otherMonitorId)).toBeNull();
    await form.getByLabel('these vantages:').check();
    await form.getByRole('checkbox', { name: /^central / }).check();
    await form.getByRole('checkbox', { name: /^office / }).check();
    await form.getByLabel('Quorum').fill('');
    await form.getByRole('button', { name: 'Save the default' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await assignment(otherMonitorId)).toEqual({ central: true, agents: [{ name: 'office' }], quorum: 2, majority: true, inherited: true });
    // The monitor with its own assignment keeps it.
    expect((await assignment(monitorId))?.inherited).toBe(false);
    await expect.poll(() => form.getByTestId('default-now').textContent()).toContain('The central watchdogs, office; down needs 2 (a majority). From the company’s default.');
    await expect.poll(() => row('office').getByTestId('vantage-monitors').textContent()).toBe('2');
    // Opened again, the default's form shows it as set.
    await page.reload();
    await form.waitFor();
    await expect.poll(() => form.getByRole('checkbox', { name: /^office / }).isChecked()).toBe(true);
    expect(await form.getByLabel('these vantages:').isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: /^central / }).isChecked()).toBe(true);
    expect(await form.getByLabel('Quorum').inputValue()).toBe('');
  });

  it('draws no edit controls for a viewer, and no create, revoke or default for an operator', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const password = 'a-long-enough-password';
      const email = `${role}-vantages@acme.example`;
      await api.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, displayName: role, role, password } }, owner.token);
      const other = await (await browser.newContext()).newPage();
      await signIn(other, api.url, 'acme', email, password);
      await other.goto(`${api.url}/vantages`);
      await other.locator('tr[data-vantage="office"]').waitFor();
      expect(await other.getByRole('form').count()).toBe(0);
      expect(await other.getByRole('button', { name: 'Revoke…' }).count()).toBe(0);
      await other.goto(`${api.url}/monitors/${monitorId}`);
      await other.getByTestId('monitor-assignment').waitFor();
      expect(await other.getByRole('form', { name: 'Probe it from' }).count()).toBe(role === 'viewer' ? 0 : 1);
      await other.context().close();
    }
  });

  it('a new token: said first, shown once with the agent’s command; the old one refused, the vantage kept', async () => {
    const made = await api.ok<{ createVantage: { token: string; vantage: { id: string } } }>('mutation { createVantage(input: {name: "branch", kind: private}) { token vantage { id } } }', {}, owner.token);
    await page.reload();
    await row('branch').getByRole('button', { name: 'New token…' }).click();
    expect(await row('branch').getByRole('alertdialog').textContent()).toMatch(/^A new token for branch\? The current one is refused from now on and its agent is cut off at once; the vantage keeps its name, its monitors and its history/);
    await row('branch').getByRole('button', { name: 'Make a new token for branch' }).click();
    const token = (await row('branch').getByTestId('token').textContent())!;
    expect(token).toMatch(/^vgv_[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(made.createVantage.token);
    expect(await row('branch').getByTestId('agent-command').textContent()).toContain(`VIGIA_VANTAGE_TOKEN=${token}`);
    await expect(FakeAgent.connect(api.url, made.createVantage.token)).rejects.toThrow('HTTP 401');
    const renewed = await FakeAgent.connect(api.url, token);
    expect((await renewed.assignment()).vantage).toEqual({ id: made.createVantage.vantage.id, name: 'branch' });
    renewed.ws.terminate();
    expect((await vantage('branch'))?.revokedAt).toBeNull();
  });

  it('revoke says what happens first; confirmed, the agent is cut off at once', async () => {
    await row('office').getByRole('button', { name: 'Revoke…' }).click();
    const consequences = (await row('office').getByTestId('revoke-consequences').textContent())!;
    expect(consequences).toMatch(/^Revoke office\? Its token is refused from now on and its agent is cut off at once/);
    expect(consequences).toContain('The 2 monitors it probes keep their quorum without its vote: one that needs it (2 of 2, say) can no longer be confirmed down');
    expect(consequences).toContain('to replace a leaked or lost token, make a new token instead');
    await row('office').getByRole('button', { name: 'Keep it' }).click();
    expect((await vantage('office'))?.revokedAt).toBeNull();
    await row('office').getByRole('button', { name: 'Revoke…' }).click();
    await row('office').getByRole('button', { name: 'Revoke office' }).click();
    await expect.poll(() => row('office').getByTestId('vantage-verdict').count()).toBe(0);
    expect(await row('office').locator('td').nth(3).textContent()).toMatch(/^revoked .+: its token is refused$/);
    expect((await vantage('office'))?.revokedAt).not.toBeNull();
    // The agent's token is refused on its open connection and on reconnecting: it exits with "token refused" (78).
    expect(await agent!.exited(30_000)).toBe(78);
    // Its monitors are left to the other vantages: the central watchdogs alone now.
    expect(await assignment(monitorId)).toMatchObject({ central: true, agents: [] });
  });
});
