import { useSyncExternalStore } from 'react';
import { onThemeChange, resolvedTheme, setThemeChoice, type ThemeChoice, themeChoice } from '../lib/theme.js';

/**
 * The header's theme: as the system says, light or dark; the colours change at once and nothing re-renders but this
 * (and the chart, which draws its own). Words short enough to keep the header on one line at 1366 px.
 */
export function ThemeChoiceSelect() {
  const value = useSyncExternalStore(onThemeChange, themeChoice);
  return (
    <label className="theme-choice">
      {/* Said on screen as the clock choice beside it is: a bare "system" meant nothing to a newcomer. */}
      <span className="muted" aria-hidden="true">
        Theme{' '}
      </span>
      <select aria-label="Colour theme" title="Colour theme" value={value} onChange={(e) => setThemeChoice(e.target.value as ThemeChoice)}>
        <option value="system">system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

/** The theme on screen ('light' or 'dark'), for what draws its own colours (uPlot's canvas). */
export function useResolvedTheme(): 'light' | 'dark' {
  return useSyncExternalStore(onThemeChange, resolvedTheme);
}
