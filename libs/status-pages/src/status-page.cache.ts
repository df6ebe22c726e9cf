import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** A rendered answer, with what is needed to check a visitor's access without the database. */
export interface CachedAnswer {
  status: number;
  /** Absent for a 404: nothing to check. */
  access?: { pageId: string; visibility: string; authVersion: number; language: string };
  contentType: string;
  body: string;
  etag: string;
  csp: string;
  /** For a public answer: `Cache-Control` when not the pages' `public, max-age=10`. */
  cacheControl?: string;
  /** The body gzipped, made once on the first request that accepts it. */
  gzip?: Buffer;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** How long past its TTL an answer may still be served while a fresh one renders (an outage is when pages are hit). */
export const STATUS_CACHE_STALE_MS = 5 * 60_000;

export const STATUS_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 5_000;

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/**
 * The status pages' in-process cache: rendered pages, badges, feeds and page views by key, for a short TTL. A hit
 * answers with no database access; one render at a time per key (a burst of misses waits for the first). Past its TTL
 * an answer is still served, for up to 5 minutes, while one fresh render runs behind it (stale-while-revalidate), so
 * visitors never queue behind a render once a page was seen. Any change through the API clears it (other replicas
 * see it within the TTL). Bounded: past 5,000 keys it starts afresh.
 */
@Injectable()
export class StatusPageCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly pending = new Map<string, Promise<unknown>>();
  ttlMs = STATUS_CACHE_TTL_MS;
  /** Misses that rendered (tests and the benchmark read it: a hit must not render). */
  renders = 0;
  /** Bumped by every invalidation: a render started before it does not store what it read. */
  private generation = 0;

  /**
   * Without ever starting a render: a fresh answer, or a stale one whose refresh is already running (someone's request
   * started it the long way). Undefined otherwise — the caller then takes the long way, which starts the refresh.
   */
  peekServable<T>(key: string, nowMs: number): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > nowMs || (this.pending.has(key) && hit.expiresAt + STATUS_CACHE_STALE_MS > nowMs)) return hit.value as T;
    return undefined;
  }

  /**
   * `stale: false` for a part other answers are rendered from (the page's view): those answers are already served
   * stale while they re-render, so a re-render that took a stale part would put the change off by one more TTL.
   */
  async get<T>(key: string, nowMs: number, render: () => Promise<T>, options: { stale?: boolean } = {}): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > nowMs) return entry.value as T;
    const running = this.pending.get(key);
    if (options.stale !== false && entry && entry.expiresAt + STATUS_CACHE_STALE_MS > nowMs) {
      // Stale: answer with it, and refresh once behind it (a failed refresh keeps the stale answer).
      if (!running) void this.refresh(key, nowMs, render).catch(() => undefined);
      return entry.value as T;
    }
    if (running) return running as Promise<T>;
    return this.refresh(key, nowMs, render);
  }

  private refresh<T>(key: string, nowMs: number, render: () => Promise<T>): Promise<T> {
    const generation = this.generation;
    const job = (async () => {
      this.renders++;
      const value = await render();
      // A change committed while this render ran (a page made private, deleted, edited): what it read may be from
      // before the change, so it answers the request that asked but is not kept for anyone else.
      if (generation !== this.generation) return value;
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { value, expiresAt: nowMs + this.ttlMs });
      return value;
    })().finally(() => {
      if (this.pending.get(key) === job) this.pending.delete(key);
    });
    this.pending.set(key, job);
    return job;
  }

  /** Forgets every answer, and every render running now (their results are not kept: see refresh). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.pending.clear();
  }
}
