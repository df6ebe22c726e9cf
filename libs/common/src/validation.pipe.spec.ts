import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { VISIBLE_TEXT, VigiaValidationPipe } from './validation.pipe.js';
import { VigiaException } from './vigia.exception.js';

class UserInput {
  @IsString() @MaxLength(5) displayName: string;
  @IsUUID('all', { each: true }) hostIds: string[];
}

class NameInput {
  @IsString() @MinLength(1) @MaxLength(100) @Matches(VISIBLE_TEXT, { message: 'must not contain control characters' }) name: string;
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
});
