import { VigiaException } from '#lib/common';

/** 256 KiB of image: enough for a sharp logo, small enough to inline into every page, PDF and e-mail. */
export const MAX_LOGO_BYTES = 256 * 1024;
/** Its base64 (4/3 of it) with a data: prefix; the GraphQL input refuses anything longer before decoding. */
export const MAX_LOGO_CHARS = Math.ceil(MAX_LOGO_BYTES / 3) * 4 + 64;

type LogoType = 'image/png' | 'image/jpeg';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are, from their magic numbers: the declared type of a data: URL is the uploader's claim only. */
export function sniffImage(bytes: Buffer): LogoType | null {
  // A PNG is its signature then the IHDR chunk (length 13) with a non-zero width and height.
  if (bytes.length > 33 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return bytes.readUInt32BE(16) > 0 && bytes.readUInt32BE(20) > 0 ? 'image/png' : null;
  }
  // A JPEG starts with SOI and a marker, and ends with EOI.
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9) {
    return 'image/jpeg';
  }
  return null;
}

/**
 * A logo as uploaded (a `data:image/png|jpeg;base64,` URL or bare base64) → the data: URL stored, with the type the
 * bytes really have. Refused with a field error when it is not base64, too big, not a PNG/JPEG, or not what it claims.
 */
export function parseLogo(input: string, field = 'input.logo'): string {
  const match = /^(?:data:(image\/[a-z+.-]+);base64,)?([A-Za-z0-9+/\s]*={0,2})$/.exec(input.trim());
  if (!match) throw VigiaException.invalid(field, 'must be a PNG or JPEG as a data:image/png;base64,… URL or as base64');
  const base64 = match[2]!.replace(/\s+/g, '');
  if (!base64.length || base64.length % 4 !== 0) throw VigiaException.invalid(field, 'is not valid base64');
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_LOGO_BYTES) throw VigiaException.invalid(field, `must be at most ${MAX_LOGO_BYTES / 1024} KiB (this one is ${Math.ceil(bytes.length / 1024)} KiB)`);
  const type = sniffImage(bytes);
  if (!type) throw VigiaException.invalid(field, 'must be a PNG or JPEG image (its content is neither)');
  const declared = match[1];
  if (declared && declared !== type && !(declared === 'image/jpg' && type === 'image/jpeg')) {
    throw VigiaException.invalid(field, `says ${declared} but its content is ${type}`);
  }
  return `data:${type};base64,${bytes.toString('base64')}`;
}
