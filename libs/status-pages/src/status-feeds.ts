import { Feed } from 'feed';
import { escapeHtml } from '#lib/common';
import type { PageView } from './status-page.source.js';
import { STATUS_MESSAGES } from './status-page.i18n.js';

/** RSS 2.0 and Atom 1.0 of a page's published posts, one entry per post with its updates (the `feed` library escapes). */
export function renderFeed(view: PageView, pageUrl: string, feedUrls: { rss: string; atom: string }, format: 'rss' | 'atom'): string {
  const m = STATUS_MESSAGES[view.language];
  const updated = view.posts.reduce((t, p) => Math.max(t, p.createdAt, ...p.updates.map((u) => u.at)), 0);
  const feed = new Feed({
    title: view.title,
    id: pageUrl,
    link: pageUrl,
    language: view.language,
    updated: new Date(updated || view.generatedAt),
    copyright: view.footer || view.title,
    generator: 'Vigia',
    feedLinks: { rss: feedUrls.rss, atom: feedUrls.atom },
  });
  for (const p of view.posts) {
    const latest = p.updates[0];
    // Readers render a description as HTML: the operator's text goes in escaped, as text.
    const text = p.updates.map((u) => `<p>${escapeHtml(`${m.postState[u.state as keyof typeof m.postState] ?? u.state}: ${u.body}`)}</p>`).join('');
    feed.addItem({
      title: `${p.title} (${m.postState[p.state as keyof typeof m.postState] ?? p.state})`,
      id: `${pageUrl}#post-${p.id}`,
      link: `${pageUrl}#post-${p.id}`,
      description: text,
      date: new Date(latest?.at ?? p.createdAt),
      published: new Date(p.createdAt),
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}
