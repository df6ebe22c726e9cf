import { createHash } from 'node:crypto';

/** Seconds between two refreshes of an open page (the page's answer is cached 10 s, so faster would show nothing new). */
export const LIVE_REFRESH_SECONDS = 30;

/** The ids of the parts of a page the script swaps: the status (banner, notices, bars, posts) and the "Updated" time. */
export const LIVE_PART_IDS = ['live-status', 'live-updated'] as const;

/**
 * The live-refresh script of the status pages, served as its own file (`…/live.js`) so the page keeps a CSP without
 * inline script. Plain ES2017 for any browser; it only ever improves a page that works without it:
 * every `data-every` seconds (while the tab is visible, and at once when it becomes visible again) it asks for the
 * page itself with the last ETag it saw — a 304, the usual answer, costs the server nothing but a cache lookup — and
 * on a new version swaps the status parts (`LIVE_PART_IDS`) for the new ones, leaving the rest (a half-typed
 * subscription address) alone. Anything but a 200 (the page made private, deleted, the network gone) keeps what is
 * shown. The fetched HTML is parsed with DOMParser (nothing in it runs) and is the same escaped server render.
 */
export const LIVE_SCRIPT = `(function () {
  'use strict';
  var me = document.currentScript;
  var every = Math.max(10, Number(me && me.getAttribute('data-every')) || ${LIVE_REFRESH_SECONDS}) * 1000;
  var ids = ${JSON.stringify(LIVE_PART_IDS)};
  var etag = null;
  var busy = false;
  function swap(html) {
    var next = new DOMParser().parseFromString(html, 'text/html');
    ids.forEach(function (id) {
      var shown = document.getElementById(id);
      var fresh = next.getElementById(id);
      if (shown && fresh && shown.innerHTML !== fresh.innerHTML) shown.replaceWith(document.importNode(fresh, true));
    });
  }
  function refresh() {
    if (busy || document.visibilityState === 'hidden') return;
    busy = true;
    fetch(location.href, { headers: etag ? { 'If-None-Match': etag } : {}, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status !== 200) return null;
        etag = res.headers.get('ETag');
        return res.text();
      })
      .then(function (html) { if (html) swap(html); })
      .catch(function () { /* offline or refused: the page as shown stays; the next turn tries again */ })
      .then(function () { busy = false; });
  }
  setInterval(refresh, every);
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') refresh(); });
})();
`;

/** The script's SHA-256 as a Subresource Integrity value: the page's tag pins the very file the server serves. */
export const LIVE_SCRIPT_INTEGRITY = `sha256-${createHash('sha256').update(LIVE_SCRIPT).digest('base64')}`;

/** A short version for the script's URL (`live.js?v=…`): a changed script is a new URL, so it may be cached long. */
export const LIVE_SCRIPT_VERSION = createHash('sha256').update(LIVE_SCRIPT).digest('base64url').slice(0, 10);
