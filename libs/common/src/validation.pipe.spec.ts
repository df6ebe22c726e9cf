import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { VISIBLE_TEXT, VigiaValidationPipe, VisibleText } from './validation.pipe.js';
import { VigiaException } from './vigia.exception.js';

class UserInput {
  @IsString() @MaxLength(5) displayName: string;
  @IsUUID('all', { each: true }) hostIds: string[];
}

class NameInput {
  @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
}

async function refusal(value: unknown, metatype: new () => object = UserInput): Promise<string> {
  try {
    await new VigiaValidationPipe().transform(value, { type: 'body', data: 'input', metatype });
  } catch (error) {
    if (error instanceof VigiaException) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('field errors in words', () => {
  it('names the field once, and the message never repeats its internal name', async () => {
    expect(await refusal({ displayName: 'far too long', hostIds: [] })).toBe('input.displayName: must be shorter than or equal to 5 characters');
    expect(await refusal({ displayName: 'ok', hostIds: ['nope'] })).toBe('input.hostIds: each value must be a UUID');
    expect(await refusal({ displayName: 'ok', hostIds: [], startsAt: 'x' })).toBe('input.startsAt: is not a field of this input');
  });
});

describe('names', () => {
  it('empty or only spaces: "must not be empty"; a control character says so; a name with spaces inside is fine', async () => {
    expect(await refusal({ name: '' }, NameInput)).toBe('input.name: must not be empty');
    expect(await refusal({ name: '   ' }, NameInput)).toBe('input.name: must not be empty');
    expect(await refusal({ name: 'web\u0007' }, NameInput)).toBe('input.name: must not contain control characters');
    await expect(new VigiaValidationPipe().transform({ name: ' web 1 ' }, { type: 'body', data: 'input', metatype: NameInput })).resolves.toBeTruthy();
  });

  it('the visible-text pattern: spaces only refused, one visible character anywhere accepted, newlines refused', () => {
    expect(VISIBLE_TEXT.test(' '.repeat(10_000))).toBe(false);
    expect(VISIBLE_TEXT.test(`${' '.repeat(10_000)}x`)).toBe(true);
    expect(VISIBLE_TEXT.test('a\nb')).toBe(false);
  });

  it('a name of zero-width characters or blank fillers is refused as invisible; bidirectional overrides are refused; real scripts pass', async () => {
    for (const blank of ['\u200B', '\u200B\u200C\u200D', ' \uFEFF ', '\u3164', '\u2800\u2800', '\u00A0\u2003', '\u00AD']) {
      expect(VISIBLE_TEXT.test(blank), JSON.stringify(blank)).toBe(false);
      expect(await refusal({ name: blank }, NameInput)).toMatch(/^input\.name: must (not be empty|contain a visible character \(it holds only spaces or zero-width characters\))$/);
    }
    expect(await refusal({ name: 'web1\u202Etxt.exe' }, NameInput)).toMatch(/^input\.name: must not contain bidirectional control characters/);
    expect(await refusal({ name: '\u2066web\u2069' }, NameInput)).toMatch(/^input\.name: must not contain bidirectional control characters/);
    // Joiners inside real text are kept (Persian needs ZWNJ, emoji sequences ZWJ); accents and CJK are visible.
    for (const fine of ['می\u200Cخواهم', '👩\u200D💻 team', 'Müller GmbH', '東京-1', 'x\u200B']) expect(VISIBLE_TEXT.test(fine), fine).toBe(true);
    // Linear on a long run of invisible characters (the look-ahead scans once).
    expect(VISIBLE_TEXT.test('\u200B'.repeat(100_000))).toBe(false);
  });
});
