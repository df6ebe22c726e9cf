import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { contrastRatio } from './contrast.js';

/** Debian's chromium (apt-get install chromium); playwright-core drives it, it never downloads a browser. */
export const CHROMIUM = process.env.VIGIA_CHROMIUM ?? '/usr/bin/chromium';
/** Skipped without the browser on a developer's machine; in CI (which installs it) a missing browser fails instead. */
export const hasChromium = existsSync(CHROMIUM) || process.env.CI === 'true';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** `extraArgs`: more chromium flags, e.g. `--host-resolver-rules=MAP status.example.test 127.0.0.1` for a custom domain. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Flags from the machine notes: as root without a sandbox, and no calls to Google's hosts on a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** Signs in through the sign-in page at `base` and waits for the signed-in navigation. */
export async function signIn(page: Page, base: string, tenant: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Company (tenant)').fill(tenant);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/**
 * Saves a screenshot under test-results/screenshots (not committed) for a person to look at; with
 * VIGIA_DOCS_SCREENSHOTS=1 also under docs/screenshots, the ones the README shows.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const targets = [join(root, 'test-results/screenshots', `${name}.png`)];
  if (process.env.VIGIA_DOCS_SCREENSHOTS === '1') targets.push(join(root, 'docs/screenshots', `${name}.png`));
  for (const path of targets) {
    await mkdir(dirname(path), { recursive: true });
    await page.screenshot({ path });
  }
}

/** Fails when the page scrolls sideways: everything must fit the viewport (1366×768 and a phone). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/** WCAG contrast ratio of every status badge on the page (text colour against its background), lowest first. */
export async function badgeContrasts(page: Page): Promise<{ state: string; ratio: number }[]> {
  const colours = await page.locator('.badge').evaluateAll((els) =>
    els.map((el) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(el);
      return { state: (el as unknown as { dataset: Record<string, string> }).dataset.state ?? '', color: style.color, background: style.backgroundColor };
    }),
  );
  return colours
    .map(({ state, color, background }) => ({ state, ratio: contrastRatio(color, background) }))
    .sort((x, y) => x.ratio - y.ratio);
}
