import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { CachedAnswer } from './status-page.cache.js';
import { StatusPageVisibility } from './status-page.entity.js';

/** Whether an answer is a private page's (never stored by a shared cache, never indexed). */
export function isPrivateAnswer(answer: CachedAnswer): boolean {
  return answer.access !== undefined && answer.access.visibility !== StatusPageVisibility.public;
}

/**
 * Writes a status-page answer with its headers: the one place they are set, for the controller (through Express) and
 * the fast path (on Node's own response) alike, so both answer byte for byte the same. 304 for a matching ETag; the
 * body gzipped (once per cached answer) when the visitor accepts it.
 */
export function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: CachedAnswer, isPrivate = isPrivateAnswer(answer)): void {
  res.setHeader('Content-Security-Policy', answer.csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // For browsers without CSP's frame-ancestors; it cannot name origins, so it is sent only when no site may frame.
  if (answer.csp.includes("frame-ancestors 'none'")) res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', isPrivate ? 'private, no-store' : (answer.cacheControl ?? 'public, max-age=10'));
  if (isPrivate) res.setHeader('X-Robots-Tag', 'noindex');
  res.setHeader('ETag', answer.etag);
  if (answer.status === 200 && req.headers['if-none-match'] === answer.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = answer.status;
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Vary', 'Accept-Encoding');
  if (answer.body.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    answer.gzip ??= gzipSync(answer.body);
    res.setHeader('Content-Encoding', 'gzip');
    res.end(req.method === 'HEAD' ? undefined : answer.gzip);
    return;
  }
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}
