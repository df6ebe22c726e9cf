import type { Request } from 'express';

/** Requests that came in on a page's custom domain: their page lives at `/` of that host, not under /status/…. */
export const DOMAIN_REQUESTS = new WeakSet<Request>();
