import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); playwright-core drives it, it never downloads a browser. */
export const CHROMIUM = process.env.VIGIA_CHROMIUM ?? '/usr/bin/chromium';
/** Skipped without the browser on a developer's machine; in CI (which installs it) a missing browser fails instead. */
export const hasChromium = existsSync(CHROMIUM) || process.env.CI === 'true';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Flags from the machine notes: as root without a sandbox, and no calls to Google's hosts on a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
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
