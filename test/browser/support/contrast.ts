import type { Page } from 'playwright-core';

type Rgba = [number, number, number, number];

function parse(colour: string): Rgba {
  const parts = colour.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
  if (parts.length < 3) throw new Error(`not a colour the contrast check reads: ${colour}`);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

/** `top` painted over the opaque `under`, with `top`'s alpha (times `opacity`). */
function over(top: Rgba, under: Rgba, opacity = 1): Rgba {
  const a = top[3] * opacity;
  return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
}

function luminance([r, g, b]: Rgba): number {
  const [lr, lg, lb] = [r, g, b].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
}

/** WCAG contrast ratio of two CSS colours as getComputedStyle gives them (`rgb(…)`/`rgba(…)`), opaque ones. */
export function contrastRatio(colour: string, background: string): number {
  const [a, b] = [luminance(parse(colour)), luminance(parse(background))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

export interface TextContrast {
  text: string;
  tag: string;
  colour: string;
  background: string;
  fontSize: number;
  large: boolean;
  ratio: number;
  /** 4.5, or 3 for large text (24 px, or 18.66 px bold). */
  needed: number;
}

interface Rendered {
  text: string;
  tag: string;
  colour: string;
  /** Background colours from the element up to the first opaque one (or the root), innermost first. */
  layers: string[];
  opacity: number;
  fontSize: number;
  fontWeight: number;
}

/**
 * Every piece of text on the page as rendered: each visible element holding text of its own (and each text field),
 * its computed colour against the background painted under it (the ancestors' backgrounds composed until an opaque
 * one), WCAG AA's ratio beside. Disabled controls are left out, as WCAG does; text drawn on a canvas cannot be read.
 */
export async function textContrasts(page: Page): Promise<TextContrast[]> {
  const rendered = await page.evaluate((): Rendered[] => {
    interface El {
      tagName: string;
      namespaceURI: string | null;
      childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
      parentElement: El | null;
      getClientRects(): ArrayLike<unknown>;
      getBoundingClientRect(): { width: number; height: number };
      closest(selector: string): El | null;
      matches(selector: string): boolean;
      value?: string;
    }
    interface Style {
      color: string;
      fill: string;
      backgroundColor: string;
      opacity: string;
      visibility: string;
      fontSize: string;
      fontWeight: string;
    }
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El>; documentElement: El }; getComputedStyle(e: El): Style };
    const out: Rendered[] = [];
    for (const el of Array.from(g.document.querySelectorAll('body *'))) {
      if (['SCRIPT', 'STYLE', 'OPTION', 'NOSCRIPT', 'TITLE'].includes(el.tagName.toUpperCase())) continue;
      const field = el.matches('input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea');
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      const text = field ? (el.value ?? '') : own;
      if (!text) continue;
      const box = el.getBoundingClientRect();
      // Not drawn, or drawn for screen readers only (.sr-only is a 1×1 clipped box).
      if (!el.getClientRects().length || box.width <= 1 || box.height <= 1) continue;
      const style = g.getComputedStyle(el);
      if (style.visibility !== 'visible') continue;
      if (el.closest(':disabled, [aria-disabled="true"]')) continue;
      const layers: string[] = [];
      let opacity = 1;
      for (let at: El | null = el; at; at = at.parentElement) {
        const s = g.getComputedStyle(at);
        opacity *= Number(s.opacity);
        layers.push(s.backgroundColor);
        // rgb(…) is opaque; rgba(…, a) lets what is under it show through.
        const alpha = /^rgba\([^)]*,\s*([\d.]+)\)$/.exec(s.backgroundColor)?.[1];
        if (alpha === undefined || Number(alpha) >= 1) break;
      }
      const svg = el.namespaceURI === 'http://www.w3.org/2000/svg';
      out.push({ text: text.slice(0, 60), tag: el.tagName.toLowerCase(), colour: svg ? style.fill : style.color, layers, opacity, fontSize: parseFloat(style.fontSize), fontWeight: Number(style.fontWeight) });
    }
    return out;
  });
  return rendered.map((r) => {
    // Under everything, the canvas: white unless the root painted (it always does here, with --bg).
    let background: Rgba = [255, 255, 255, 1];
    for (const layer of [...r.layers].reverse()) background = over(parse(layer), background);
    const colour = over(parse(r.colour), background, r.opacity);
    const css = (c: Rgba) => `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(', ')})`;
    const large = r.fontSize >= 24 || (r.fontSize >= 18.66 && r.fontWeight >= 700);
    const needed = large ? 3 : 4.5;
    return { text: r.text, tag: r.tag, colour: css(colour), background: css(background), fontSize: r.fontSize, large, ratio: contrastRatio(css(colour), css(background)), needed };
  });
}

/** The texts of `page` below WCAG AA, each with its colours, for an assertion that says what failed. */
export async function contrastFailures(page: Page): Promise<TextContrast[]> {
  return (await textContrasts(page)).filter((t) => t.ratio < t.needed);
}
