import { useSyncExternalStore } from 'react';
import { onThemeChange, resolvedTheme, setThemeChoice, type ThemeChoice, themeChoice } from '../lib/theme.js';

/** The header's theme: light, dark, or as the system says; the colours change at once, nothing re-renders but this. */
export function ThemeChoiceSelect() {
  const value = useSyncExternalStore(onThemeChange, themeChoice);
  return (
    <label className="theme-choice">
      <span className="muted" aria-hidden="true" title="Colour theme">
        ◐
      </span>
      <select aria-label="Colour theme" value={value} onChange={(e) => setThemeChoice(e.target.value as ThemeChoice)}>
        <option value="system">as the system</option>
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
