import { describe, expect, it } from 'vitest';
import { excerpt, storable } from './excerpt.js';

describe('excerpt', () => {
  it('keeps text of at most 512 bytes of UTF-8 as it is, and cuts longer text on a character boundary, marked', () => {
    expect(excerpt('HTTP 200 from 127.0.0.1 in 1.2 ms')).toBe('HTTP 200 from 127.0.0.1 in 1.2 ms');
    expect(excerpt('a'.repeat(512))).toBe('a'.repeat(512));
    expect(excerpt('a'.repeat(513))).toBe(`${'a'.repeat(512 - Buffer.byteLength(' … [cut]'))} … [cut]`);
    // 3 bytes each: 170 fit (510 bytes), 171 do not (513).
    expect(excerpt('€'.repeat(170))).toBe('€'.repeat(170));
    const cut = excerpt('€'.repeat(171));
    expect(cut.endsWith(' … [cut]')).toBe(true);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(512);
    expect(cut).not.toContain('\uFFFD');
    // 4 bytes in 2 units each: 128 emoji are exactly 512 bytes.
    expect(excerpt('😀'.repeat(128))).toBe('😀'.repeat(128));
    expect(Buffer.byteLength(excerpt('😀'.repeat(129)))).toBeLessThanOrEqual(512);
  });

  it('storable: NUL and unpaired surrogates become U+FFFD, pairs and other text stay', () => {
    expect(storable('plain text, ünïcödé, 😀')).toBe('plain text, ünïcödé, 😀');
    expect(storable('a\u0000b')).toBe('a\uFFFDb');
    expect(storable('\ud800x\udc00')).toBe('\uFFFDx\uFFFD');
    expect(storable('😀\ud83d')).toBe('😀\uFFFD');
  });
});
