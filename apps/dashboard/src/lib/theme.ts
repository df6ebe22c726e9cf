/**
 * Light or dark: as the system says (`prefers-color-scheme`) unless the operator chose one in the header; the choice
 * is kept per browser, like the clock's. The colours themselves are CSS custom properties in styles.css, switched by
 * `data-theme` on <html>, which always holds the resolved theme (the system's too): the dark values are written once.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'vigia.theme';
// This folder is also compiled for Node (its specs run there): the browser's storage and page, when there are some.
const storage = (globalThis as { localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void } }).localStorage;
const root = (globalThis as { document?: { documentElement: { dataset: Record<string, string | undefined> } } }).document?.documentElement;
const systemDark = (globalThis as { matchMedia?: (query: string) => { matches: boolean; addEventListener(type: 'change', listener: () => void): void } }).matchMedia?.(
  '(prefers-color-scheme: dark)',
);
const listeners = new Set<() => void>();
let choice: ThemeChoice = readChoice();

function readChoice(): ThemeChoice {
  try {
    const stored = storage?.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

export function themeChoice(): ThemeChoice {
  return choice;
}

/** The theme on screen now: the choice, or the system's. */
export function resolvedTheme(): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return systemDark?.matches ? 'dark' : 'light';
}

/** Puts the theme on screen on <html>; called once before the first render so a dark screen never flashes white. */
export function applyTheme(): void {
  if (root) root.dataset.theme = resolvedTheme();
}

export function setThemeChoice(next: ThemeChoice): void {
  choice = next;
  try {
    storage?.setItem(KEY, next);
  } catch {
    // A browser without storage keeps the choice for this page only.
  }
  applyTheme();
  for (const listener of listeners) listener();
}

/** Called whenever the theme on screen may have changed (a choice, or the system switching while "as the system"). */
export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

systemDark?.addEventListener('change', () => {
  if (choice !== 'system') return;
  applyTheme();
  for (const listener of listeners) listener();
});
