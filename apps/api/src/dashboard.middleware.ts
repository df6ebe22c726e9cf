import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Paths the API answers itself; everything else is the dashboard's (a client-side route falls back to index.html). */
// Only the controllers' own paths: `/reports`, `/alerts` and `/oncall` themselves are dashboard routes (a reload must get the page).
const API_PREFIXES = ['/graphql', '/healthz', '/readyz', '/metrics', '/vigia-status', '/reports/customers/', '/alerts/ack/', '/oncall/ical/', '/status/'];

/**
 * The folder `vite build` writes the dashboard to: `dist/dashboard` at the repository root, whether this file runs
 * compiled (dist/apps/api/src) or from source under the tests (apps/api/src).
 */
export function dashboardFolder(override?: string): string | undefined {
  if (override) return resolve(override);
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '../../../dashboard'), join(here, '../../../dist/dashboard')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Serves the built dashboard: hashed assets cached for a year (their names change with their content), index.html
 * never cached so a deploy is seen at the next load. Without a build, `/` says how to make one.
 */
export function dashboardMiddleware(folder: string | undefined): RequestHandler {
  if (!folder) {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || new URL(req.originalUrl, 'http://vigia').pathname !== '/') return next();
      res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build` (or `npm start`).\n');
    };
  }
  const assets = express.static(folder, { index: false, immutable: true, maxAge: '365d', fallthrough: true });
  const index = join(folder, 'index.html');
  return (req: Request, res: Response, next: NextFunction) => {
    // Mounted by Nest under a wildcard, req.path/req.url are relative to the mount: read the path from originalUrl.
    const path = new URL(req.originalUrl, 'http://vigia').pathname;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return next();
    if (path.startsWith('/assets/')) {
      req.url = req.originalUrl;
      return assets(req, res, next);
    }
    if (!req.accepts('html')) return next();
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.sendFile(index);
  };
}
