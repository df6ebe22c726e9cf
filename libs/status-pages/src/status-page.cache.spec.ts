import { describe, expect, it } from 'vitest';
import { STATUS_CACHE_STALE_MS, StatusPageCache } from './status-page.cache.js';

describe('StatusPageCache', () => {
  it('renders once for a burst of misses, then answers from memory until the TTL', async () => {
    const cache = new StatusPageCache();
    let renders = 0;
    const render = async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 10));
      return `v${renders}`;
    };
    const burst = await Promise.all(Array.from({ length: 20 }, () => cache.get('k', 0, render)));
    expect(new Set(burst)).toEqual(new Set(['v1']));
    expect(await cache.get('k', cache.ttlMs - 1, render)).toBe('v1');
    expect(renders).toBe(1);
  });

  it('past the TTL serves the stale answer while one refresh runs behind it, then the fresh one', async () => {
    const cache = new StatusPageCache();
    let release: () => void = () => undefined;
    let n = 0;
    const render = () => new Promise<string>((resolve) => (++n === 1 ? resolve('old') : (release = () => resolve('new'))));
    await cache.get('k', 0, render);
    const later = cache.ttlMs + 1;
    expect(await cache.get('k', later, render)).toBe('old');
    expect(await cache.get('k', later, render)).toBe('old');
    expect(n).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('k', later + 1, render)).toBe('new');
  });

  it('waits for a fresh render once the answer is older than the stale limit, or after invalidate()', async () => {
    const cache = new StatusPageCache();
    let n = 0;
    const render = async () => `v${++n}`;
    await cache.get('k', 0, render);
    expect(await cache.get('k', cache.ttlMs + STATUS_CACHE_STALE_MS + 1, render)).toBe('v2');
    cache.invalidate();
    expect(await cache.get('k', cache.ttlMs + STATUS_CACHE_STALE_MS + 2, render)).toBe('v3');
  });

  it('with stale: false past the TTL waits for the fresh render (a part that other renders are made from)', async () => {
    const cache = new StatusPageCache();
    let n = 0;
    const render = async () => `v${++n}`;
    await cache.get('k', 0, render, { stale: false });
    expect(await cache.get('k', cache.ttlMs - 1, render, { stale: false })).toBe('v1');
    expect(await cache.get('k', cache.ttlMs + 1, render, { stale: false })).toBe('v2');
    expect(n).toBe(2);
  });

  it('keeps the stale answer when a refresh fails', async () => {
    const cache = new StatusPageCache();
    await cache.get('k', 0, async () => 'good');
    const later = cache.ttlMs + 1;
    expect(await cache.get('k', later, () => Promise.reject(new Error('database gone')))).toBe('good');
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('k', later, async () => 'fresh')).toBe('good');
  });
  it('keeps nothing a render read before an invalidate() that came while it ran (a page made private meanwhile)', async () => {
    const cache = new StatusPageCache();
    let release: (v: string) => void = () => undefined;
    const slow = () => new Promise<string>((resolve) => (release = resolve));
    const running = cache.get('k', 0, slow);
    cache.invalidate();
    release('public, from before the change');
    // The caller that asked still gets what it waited for; nobody after it does.
    expect(await running).toBe('public, from before the change');
    expect(cache.peekServable('k', 1)).toBeUndefined();
    expect(await cache.get('k', 1, async () => 'private now')).toBe('private now');
    expect(cache.peekServable('k', 2)).toBe('private now');
  });

  it('peekServable: fresh, or stale only while its refresh runs; never starts a render', async () => {
    const cache = new StatusPageCache();
    let release: () => void = () => undefined;
    let n = 0;
    const render = () => new Promise<string>((resolve) => (++n === 1 ? resolve('old') : (release = () => resolve('new'))));
    await cache.get('k', 0, render);
    expect(cache.peekServable('k', 1)).toBe('old');
    const later = cache.ttlMs + 1;
    // Stale, nothing running: the long way must go first (it starts the refresh).
    expect(cache.peekServable('k', later)).toBeUndefined();
    expect(n).toBe(1);
    expect(await cache.get('k', later, render)).toBe('old');
    expect(cache.peekServable('k', later)).toBe('old');
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.peekServable('k', later + 1)).toBe('new');
    expect(cache.peekServable('k', later + cache.ttlMs + STATUS_CACHE_STALE_MS + 2)).toBeUndefined();
    expect(cache.peekServable('other', 0)).toBeUndefined();
  });
});
