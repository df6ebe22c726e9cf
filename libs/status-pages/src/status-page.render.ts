import { createHash } from 'node:crypto';
import { escapeHtml } from '#lib/common';
import { formatDuration } from '#lib/reports';
import { LIVE_REFRESH_SECONDS, LIVE_SCRIPT_INTEGRITY, LIVE_SCRIPT_VERSION } from './status-live.script.js';
import { subscriberMessages } from './status-subscriber.i18n.js';
import type { ComponentView, DayView, GroupView, PageView } from './status-page.source.js';
import { type ComponentStatus, StatusFormat, STATUS_MESSAGES, type StatusMessages } from './status-page.i18n.js';
import { signinMessages } from './customer-signin.i18n.js';

const e = escapeHtml;

/** A day's class: the worst thing in it. Shape and pattern differ per class too: colour is never the only signal. */
export function dayClass(d: DayView): 'up' | 'degraded' | 'down' | 'maintenance' | 'none' {
  if (d.downtimeMs > 0) return 'down';
  if (d.degradedMs > 0) return 'degraded';
  if (d.plannedMs > 0) return 'maintenance';
  if (d.fraction === null) return 'none';
  return 'up';
}

const BASE_CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f8fa}
main{max-width:860px;margin:0 auto;padding:24px 16px}header{display:flex;align-items:center;gap:12px;margin-bottom:16px}header img{max-height:40px}
h1{font-size:1.6rem;margin:0}h2{font-size:1.1rem;margin:0}h3{font-size:1rem;margin:0}
.banner{padding:14px 16px;border-radius:6px;color:#fff;font-weight:600;margin-bottom:20px;background:#1a7f37}
.banner.outage{background:#b42318}.banner.degraded{background:#8a5a00}.banner.maintenance{background:#1d4ed8}.banner.unknown{background:#57606a}
.banner::before{content:"\\2714\\FE0E  "}.banner.outage::before{content:"\\2716\\FE0E  "}.banner.degraded::before,.banner.unknown::before{content:"\\26A0\\FE0E  "}.banner.maintenance::before{content:"\\2692\\FE0E  "}
section.group,section.posts{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:14px 16px;margin-bottom:16px}
.row{display:flex;justify-content:space-between;align-items:baseline;gap:8px;margin-top:10px}
.st{font-size:.85rem;font-weight:600;white-space:nowrap}.st-operational{color:#1a7f37}.st-outage{color:#b42318}.st-degraded{color:#8a5a00}.st-maintenance{color:#1d4ed8}.st-unknown{color:#57606a}
.bars{display:flex;gap:1px;height:30px;align-items:flex-end;list-style:none;margin:6px 0 2px;padding:0}
.bars li{flex:1;min-width:1px;height:100%;border-radius:1px;background:#2da44e}
.bars li.degraded{background:repeating-linear-gradient(0deg,#9a6700 0 4px,#bf8700 4px 6px);height:85%}
.bars li.down{background:repeating-linear-gradient(45deg,#cf222e 0 3px,#82071e 3px 5px)}
.bars li.maintenance{background:repeating-linear-gradient(90deg,#1d4ed8 0 2px,#3b82f6 2px 4px);height:70%}
.bars li.none{background:#8c959f;height:25%}
.axis{display:flex;justify-content:space-between;font-size:.78rem;color:#57606a}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:.8rem;color:#57606a;list-style:none;padding:0}.legend li{display:flex;gap:6px;align-items:center}
.legend .bars{height:14px;width:10px;margin:0}
.post{border-top:1px solid #d0d7de;padding:10px 0}.post:first-of-type{border-top:0}.post ol{list-style:none;padding:0;margin:6px 0 0}.post li{margin:4px 0}
.post .state{font-weight:600}.post time{color:#57606a;font-size:.85rem}.post .components{color:#57606a;font-size:.85rem}
footer{font-size:.82rem;color:#57606a;margin-top:24px}footer p{margin:4px 0}a{color:#0550ae}
form{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:16px;max-width:360px}input{font:inherit;padding:6px;width:100%;margin:6px 0}button{font:inherit;padding:6px 14px}
.error{color:#b42318;font-weight:600}
fieldset{border:0;padding:0;margin:8px 0}legend{font-weight:600;padding:0}.hint{margin:2px 0 6px;font-size:.85rem;color:#57606a}
.choice{display:flex;gap:8px;align-items:center;margin:4px 0}.choice input{width:auto;margin:0}`;

export interface RenderedHtml {
  html: string;
  csp: string;
}

/**
 * The CSP of a rendered page: its one style block by hash, images from here (and the logo's origin). No script, or with
 * `live` only script files of this origin (the live-refresh file, pinned by its integrity attribute too) and fetches
 * to it; never inline script. Framed by no site, or by the page's own embed origins.
 */
export function pageCsp(css: string, logoUrl: string | null, framedBy: string[] = [], live = false): string {
  const hash = createHash('sha256').update(css).digest('base64');
  let logoOrigin = '';
  if (logoUrl) {
    try {
      logoOrigin = ` ${new URL(logoUrl).origin}`;
    } catch {
      logoOrigin = '';
    }
  }
  const script = live ? " script-src 'self'; connect-src 'self';" : '';
  return `default-src 'none';${script} style-src 'sha256-${hash}'; img-src 'self' data:${logoOrigin}; form-action 'self'; base-uri 'none'; frame-ancestors ${framedBy.length ? framedBy.join(' ') : "'none'"}`;
}

function cssOf(accent: string): string {
  // The accent is validated as #rrggbb: nothing else reaches the style block.
  const color = /^#[0-9a-f]{6}$/i.test(accent) ? accent : '#1f6feb';
  return `${BASE_CSS}\na{color:${color}}header{border-bottom:3px solid ${color};padding-bottom:8px}`;
}

function shell(lang: string, title: string, css: string, body: string, extraHead = ''): string {
  return `<!doctype html><html lang="${e(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${e(title)}</title>${extraHead}<style>${css}</style></head><body><main>${body}</main></body></html>`;
}

function dayTitle(d: DayView, f: StatusFormat, m: StatusMessages): string {
  const parts = [f.dayLabel(d.start + 12 * 3_600_000)];
  parts.push(d.fraction === null ? m.noData : `${f.percentOf(d.fraction)} ${m.uptime}`);
  if (d.downtimeMs > 0) parts.push(`${m.down} ${formatDuration(Math.round(d.downtimeMs / 1000) * 1000)}`);
  if (d.degradedMs > 0) parts.push(`${m.degraded} ${formatDuration(Math.round(d.degradedMs / 1000) * 1000)}`);
  if (d.plannedMs > 0) parts.push(`${m.maintenance} ${formatDuration(Math.round(d.plannedMs / 1000) * 1000)}`);
  for (const o of d.outages) parts.push(`${m.outage} ${f.clock(o.from)}–${o.to === null ? '…' : f.clock(o.to)}`);
  for (const p of d.posts) parts.push(p);
  return parts.join(' · ');
}

function bars(days: DayView[], f: StatusFormat, m: StatusMessages, label: string): string {
  const items = days.map((d) => {
    const title = dayTitle(d, f, m);
    // The title is the tooltip and the accessible name of the day; its words carry what the colour shows.
    return `<li class="${dayClass(d)}" title="${e(title)}"></li>`;
  });
  return `<ol class="bars" aria-label="${e(label)}">${items.join('')}</ol>`;
}

function axis(days: number, fraction: number | null, f: StatusFormat, m: StatusMessages): string {
  const uptime = fraction === null ? m.noData : `${f.percentOf(fraction)} ${m.uptime}`;
  return `<div class="axis"><span>${e(m.daysAgo(days))}</span><span>${e(uptime)}</span><span>${e(m.today)}</span></div>`;
}

function status(s: ComponentStatus, m: StatusMessages): string {
  return `<span class="st st-${s}">${e(m.status[s])}</span>`;
}

function component(c: ComponentView, view: PageView, f: StatusFormat, m: StatusMessages, heading: 'h2' | 'h3'): string {
  return `<div class="component"><div class="row"><${heading}>${e(c.name)}</${heading}>${status(c.status, m)}</div>${bars(c.days, f, m, `${c.name}: ${view.days} days`)}${axis(view.days, c.fraction, f, m)}</div>`;
}

function group(g: GroupView, view: PageView, f: StatusFormat, m: StatusMessages): string {
  if (g.name === null) return `<section class="group">${g.components.map((c) => component(c, view, f, m, 'h2')).join('')}</section>`;
  return `<section class="group"><div class="row"><h2>${e(g.name)}</h2>${status(g.status, m)}</div>${bars(g.days, f, m, `${g.name}: ${view.days} days`)}${axis(view.days, g.fraction, f, m)}${g.components
    .map((c) => component(c, view, f, m, 'h3'))
    .join('')}</section>`;
}

function posts(view: PageView, f: StatusFormat, m: StatusMessages): string {
  if (!view.posts.length) return `<section class="posts"><h2>${e(m.incidents)}</h2><p>${e(view.status === 'outage' || view.status === 'degraded' ? m.noPostsYet : m.noIncidents)}</p></section>`;
  const items = view.posts.map((p) => {
    const updates = p.updates
      .map((u) => `<li><span class="state">${e(m.postState[u.state as keyof StatusMessages['postState']] ?? u.state)}</span> — ${e(u.body)} <time datetime="${new Date(u.at).toISOString()}">${e(f.at(u.at))}</time></li>`)
      .join('');
    const components = p.components.length ? `<div class="components">${e(p.components.join(', '))}</div>` : '';
    return `<article class="post" id="post-${e(p.id)}"><h3>${e(p.title)}</h3>${components}<ol>${updates}</ol></article>`;
  });
  return `<section class="posts"><h2>${e(m.incidents)}</h2>${items.join('')}</section>`;
}

function maintenance(view: PageView, f: StatusFormat, m: StatusMessages): string {
  if (!view.maintenance.length) return '';
  const items = view.maintenance.map(
    (w) =>
      `<article class="post maintenance"><h3>${e(w.title)}</h3><div class="components">${e(w.components.join(', '))}</div><p><span class="state">${e(m.maintenanceState[w.state])}</span> — <time datetime="${new Date(w.startsAt).toISOString()}">${e(f.at(w.startsAt))}</time> – <time datetime="${new Date(w.endsAt).toISOString()}">${e(f.at(w.endsAt))}</time></p>${w.body ? `<p>${e(w.body)}</p>` : ''}</article>`,
  );
  return `<section class="posts"><h2>${e(m.scheduled)}</h2>${items.join('')}</section>`;
}

function legend(m: StatusMessages): string {
  const item = (cls: string, text: string) => `<li><ol class="bars" aria-hidden="true"><li class="${cls}"></li></ol>${e(text)}</li>`;
  return `<ul class="legend" aria-label="${e(m.legend)}">${item('up', m.status.operational)}${item('degraded', m.status.degraded)}${item('down', m.status.outage)}${item('maintenance', m.status.maintenance)}${item('none', m.noData)}</ul>`;
}

/**
 * The subscription form (a plain POST, no script): the address and, on a page of two or more components, which of
 * them to hear about (none ticked: all); the confirmation mail does the rest.
 */
function subscribeForm(view: PageView, action: string): string {
  const w = subscriberMessages(view.language);
  const choices = view.groups.flatMap((g) => g.components.map((c) => ({ id: c.id, label: g.name === null ? c.name : `${g.name} · ${c.name}` })));
  const fieldset =
    choices.length > 1
      ? `<fieldset><legend>${e(w.componentsLegend)}</legend><p class="hint">${e(w.componentsHint)}</p>${choices
          .map((c) => `<label class="choice"><input type="checkbox" name="component" value="${e(c.id)}">${e(c.label)}</label>`)
          .join('')}</fieldset>`
      : '';
  return `<section aria-labelledby="subscribe"><h2 id="subscribe">${e(w.subscribeTitle)}</h2><form method="post" action="${e(action)}"><label>${e(w.emailLabel)}<input type="email" name="email" required maxlength="254" autocomplete="email"></label>${fieldset}<button type="submit">${e(w.subscribeButton)}</button></form></section>`;
}

/** The page: plain HTML and one hashed style block; every text from a tenant or an operator escaped. */
/** A customer's private page: its monthly SLA reports, each as a page and a PDF. */
function reportLinks(view: PageView, base: string, m: StatusMessages): string {
  if (!view.reportMonths.length) return '';
  const items = view.reportMonths.map((r) => `<li><a href="${e(`${base}/${r.month}`)}">${e(r.label)}</a> · <a href="${e(`${base}/${r.month}?format=pdf`)}">PDF</a></li>`).join('');
  return `<section aria-labelledby="reports"><h2 id="reports">${e(m.reports)}</h2><ul>${items}</ul></section>`;
}

export function renderStatusPage(view: PageView, links: { feeds?: { rss: string; atom: string }; subscribe?: string; live?: string; signOut?: string; reports?: string } = {}): RenderedHtml {
  const m = STATUS_MESSAGES[view.language];
  const f = new StatusFormat(view.language, view.timeZone);
  const css = cssOf(view.accentColor);
  const logo = view.logoUrl ? `<img src="${e(view.logoUrl)}" alt="">` : '';
  const footerLinks = view.links.map((l) => `<a href="${e(l)}" rel="noopener nofollow">${e(l)}</a>`).join(' · ');
  const feeds = links.feeds ? `<p>${e(m.feeds)}: <a href="${e(links.feeds.rss)}">RSS</a> · <a href="${e(links.feeds.atom)}">Atom</a></p>` : '';
  const head =
    (links.feeds ? `<link rel="alternate" type="application/rss+xml" href="${e(links.feeds.rss)}"><link rel="alternate" type="application/atom+xml" href="${e(links.feeds.atom)}">` : '') +
    (links.live ? `<script src="${e(links.live)}?v=${LIVE_SCRIPT_VERSION}" integrity="${LIVE_SCRIPT_INTEGRITY}" data-every="${LIVE_REFRESH_SECONDS}" defer></script>` : '');
  const body = [
    `<header>${logo}<h1>${e(view.title)}</h1>${links.signOut ? `<form method="post" action="${e(links.signOut)}"><button type="submit">${e(signinMessages(view.language).signOut)}</button></form>` : ''}</header>`,
    // The parts the live-refresh script swaps, by id (LIVE_PART_IDS); the rest (the subscription form) stays as typed in.
    `<div id="live-status"><div class="banner ${view.status}" role="status">${e(m.overall[view.status])}</div>`,
    maintenance(view, f, m),
    ...view.groups.map((g) => group(g, view, f, m)),
    legend(m),
    posts(view, f, m),
    '</div>',
    links.reports ? reportLinks(view, links.reports, m) : '',
    links.subscribe ? subscribeForm(view, links.subscribe) : '',
    `<footer><p>${e(m.method(view.policyVersion))}: ${e(m.methodText)}.</p><p>${e(m.groupRule)}</p><p id="live-updated">${e(m.zone(view.timeZone))} ${e(m.updated)}: <time datetime="${new Date(view.generatedAt).toISOString()}">${e(f.at(view.generatedAt))}</time></p>${feeds}${view.footer ? `<p>${e(view.footer)}</p>` : ''}${footerLinks ? `<p>${footerLinks}</p>` : ''}</footer>`,
  ].join('');
  return { html: shell(view.language, view.title, css, body, head), csp: pageCsp(css, view.logoUrl, view.embedOrigins, links.live !== undefined) };
}

/** A short answer page of the subscription (checked inbox, confirmed, unsubscribed), optionally with one form button. */
export function renderSubscriberAnswer(language: string, title: string, text: string, options: { error?: boolean; form?: { action: string; button: string } } = {}): RenderedHtml {
  const css = cssOf('#1f6feb');
  const form = options.form ? `<form method="post" action="${e(options.form.action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${e(options.form.button)}</button></form>` : '';
  const body = `<h1>${e(title)}</h1><p${options.error ? ' class="error" role="alert"' : ''}>${e(text)}</p>${form}`;
  return { html: shell(language, title, css, body), csp: pageCsp(css, null) };
}

/** The password form of a private page (posts to itself; no script). */
export function renderPasswordForm(language: string, action: string, wrong: boolean): RenderedHtml {
  const m = STATUS_MESSAGES[(language in STATUS_MESSAGES ? language : 'en') as keyof typeof STATUS_MESSAGES];
  const css = cssOf('#1f6feb');
  const body = `<h1>${e(m.passwordTitle)}</h1>${wrong ? `<p class="error" role="alert">${e(m.wrongPassword)}</p>` : ''}<form method="post" action="${e(action)}"><label>${e(m.password)}<input type="password" name="password" required autocomplete="current-password"></label><button type="submit">${e(m.open)}</button></form>`;
  return { html: shell(language, m.passwordTitle, css, body), csp: pageCsp(css, null) };
}

/**
 * The sign-in form of a customer-login page (posts the address to `action`; no script), with the answer to an earlier
 * request when there is one: the same words whether or not the address may see the page.
 */
export function renderSigninForm(language: string, action: string, note?: { text: string; error: boolean }): RenderedHtml {
  const w = signinMessages(language);
  const css = cssOf('#1f6feb');
  const said = note ? `<p${note.error ? ' class="error" role="alert"' : ' role="status"'}>${e(note.text)}</p>` : '';
  const body = `<h1>${e(w.title)}</h1>${said}<p>${e(w.intro)}</p><form method="post" action="${e(action)}"><label>${e(w.emailLabel)}<input type="email" name="email" required maxlength="254" autocomplete="email"></label><button type="submit">${e(w.button)}</button></form>`;
  return { html: shell(language, w.title, css, body), csp: pageCsp(css, null) };
}

/**
 * The manage link's form: the page's components as check boxes (the subscriber's choice ticked; none ticked means all
 * of them), posting to the signed link itself. No script; every name escaped.
 */
export function renderManageForm(language: string, pageTitle: string, action: string, choices: { id: string; label: string }[], chosen: string[], note?: { text: string; error: boolean }): RenderedHtml {
  const w = subscriberMessages(language);
  const css = cssOf('#1f6feb');
  const ticked = new Set(chosen);
  const said = note ? `<p${note.error ? ' class="error" role="alert"' : ' role="status"'}>${e(note.text)}</p>` : '';
  const boxes = choices.map((c) => `<label class="choice"><input type="checkbox" name="component" value="${e(c.id)}"${ticked.has(c.id) ? ' checked' : ''}>${e(c.label)}</label>`).join('');
  const body = `<h1>${e(w.manageTitle)}</h1>${said}<p>${e(pageTitle)}</p><form method="post" action="${e(action)}"><fieldset><legend>${e(w.componentsLegend)}</legend><p class="hint">${e(w.componentsHint)}</p>${boxes}</fieldset><button type="submit">${e(w.manageButton)}</button></form>`;
  return { html: shell(language, w.manageTitle, css, body), csp: pageCsp(css, null) };
}
