import { describe, expect, it } from 'vitest';
import { renderSubscriberAnswer } from './status-page.render.js';

/** WCAG 2.1 relative luminance and contrast ratio of two #rrggbb colours. */
const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe('status page colours', () => {
  // The style block every status page carries (the same for every page; only the accent differs).
  const css = renderSubscriberAnswer('en', 'Acme', 'ok').html.match(/<style[^>]*>([\s\S]*?)<\/style>/)![1]!;

  it('every colour a day bar is drawn with stands out at least 3:1 from the white card it sits on (WCAG 1.4.11)', () => {
    const rules = [...css.matchAll(/\.bars li(?:\.[a-z]+)?\{([^}]*)\}/g)].map((m) => m[1]!);
    const colours = rules.flatMap((r) => [...r.matchAll(/#[0-9a-f]{6}/gi)].map((m) => m[0].toLowerCase()));
    expect(colours.length).toBeGreaterThanOrEqual(6);
    expect(colours.filter((c) => contrast(c, '#ffffff') < 3)).toEqual([]);
  });

  it('status words and banners are readable: 4.5:1 (AA for text)', () => {
    const text = [...css.matchAll(/\.st-[a-z]+\{color:(#[0-9a-f]{6})\}/gi)].map((m) => m[1]!);
    expect(text.length).toBe(5);
    for (const c of text) expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(4.5);
    const banners = [...css.matchAll(/\.banner(?:\.[a-z]+)?\{[^}]*background:(#[0-9a-f]{6})/gi)].map((m) => m[1]!);
    expect(banners.length).toBe(5);
    for (const c of banners) expect(contrast('#ffffff', c), c).toBeGreaterThanOrEqual(4.5);
  });
});
