import { type CachedAnswer, etagOf } from './status-page.cache.js';
import { renderSubscriberAnswer } from './status-page.render.js';

const TITLE = 'This status page is not available';
const TEXT =
  'The address is wrong, or the link you followed has expired or was replaced. If your provider sent you this link, ask them for a new one.';
const page = renderSubscriberAnswer('en', TITLE, TEXT, { error: true });

/**
 * The one 404 of the status pages: an unknown page, a refused link (tampered, expired, or void since the page's
 * access changed), a sub-path that does not exist. Every case answers the same bytes, so the answer tells a stranger
 * nothing about which pages exist; it is a page a customer can read (it was "Not found" in plain text, with no word
 * on what to do), in English because an unknown page has no language of its own.
 */
export const STATUS_NOT_FOUND: CachedAnswer = { status: 404, contentType: 'text/html; charset=utf-8', body: page.html, etag: etagOf(page.html), csp: page.csp };
