import { describe, expect, it } from 'vitest';
import { MAX_LOGO_BYTES, parseLogo, sniffImage } from './branding.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

describe('tenant logo', () => {
  it('knows PNG and JPEG by their bytes, and nothing else', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(JPEG)).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a........................................'))).toBeNull();
    expect(sniffImage(PNG.subarray(0, 8))).toBeNull();
  });

  it('stores a data: URL with the type the bytes have, from a data: URL or bare base64', () => {
    expect(parseLogo(PNG.toString('base64'))).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(parseLogo(`data:image/jpg;base64,${JPEG.toString('base64')}`)).toBe(`data:image/jpeg;base64,${JPEG.toString('base64')}`);
  });

  it('refuses with a field error what is not a small PNG or JPEG', () => {
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES)]).toString('base64');
    for (const bad of ['', 'not base64!', 'abc', `data:image/jpeg;base64,${PNG.toString('base64')}`, big, Buffer.from('<svg/>').toString('base64')]) {
      expect(() => parseLogo(bad), bad.slice(0, 30)).toThrow(/input\.logo/);
    }
  });
});
