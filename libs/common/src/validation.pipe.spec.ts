import { IsString, IsUUID, MaxLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { VigiaValidationPipe } from './validation.pipe.js';
import { VigiaException } from './vigia.exception.js';

class UserInput {
  @IsString() @MaxLength(5) displayName: string;
  @IsUUID('all', { each: true }) hostIds: string[];
}

async function refusal(value: unknown): Promise<string> {
  try {
    await new VigiaValidationPipe().transform(value, { type: 'body', data: 'input', metatype: UserInput });
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
