import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { Matches, type ValidationError, validate } from 'class-validator';
import { VigiaException } from './vigia.exception.js';

/**
 * A free-text name or label: at least one visible character (not only spaces: names are trimmed when saved, and a
 * blank one is a row nobody can tell apart) and no control characters (they end up in e-mails and shells). Linear: the
 * look-ahead and the body each read the string once.
 */
export const VISIBLE_TEXT = /^(?=[^\p{Cc}]*[^\p{Cc}\s])[^\p{Cc}]+$/u;

/** A name or label field: `VISIBLE_TEXT`, in the one wording (blank values read "must not be empty", below). */
export const VisibleText = (): PropertyDecorator => Matches(VISIBLE_TEXT, { message: 'must not contain control characters' });

/** Flattens nested class-validator errors into "field.sub[2]" paths so the client knows exactly what to fix. */
export function firstValidationFailure(errors: ValidationError[], prefix = ''): { field: string; reason: string } | undefined {
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = isIndex ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      if (error.constraints.whitelistValidation) return { field, reason: 'is not a field of this input' };
      // Empty or only spaces, refused by whichever rule ran first ("must not contain control characters" for ""): the
      // words that say what is wrong.
      if (typeof error.value === 'string' && error.value.trim() === '') return { field, reason: 'must not be empty' };
      return { field, reason: inWords(Object.values(error.constraints)[0] ?? 'is invalid', error.property) };
    }
    const nested = firstValidationFailure(error.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * class-validator's default messages start with the property's name ("displayName must be shorter than or equal to
 * 100 characters"); the field is named beside the message already, so the message keeps only the words.
 */
function inWords(reason: string, property: string): string {
  const each = `each value in ${property} `;
  if (reason.startsWith(each)) return `each value ${reason.slice(each.length)}`;
  return reason.startsWith(`${property} `) ? reason.slice(property.length + 1) : reason;
}

// Keys that reach Object.prototype (or class-transformer's metadata lookups) when copied: never a setting.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first unacceptable value anywhere in a client's argument, with its path: a string (or key) holding NUL, which
 * PostgreSQL text and jsonb cannot store, or a key such as `constructor`/`__proto__`. Found here, they are a field
 * error instead of an INTERNAL one from deep inside a library.
 */
export function unacceptableInput(value: unknown, path: string, depth = 0): { field: string; reason: string } | undefined {
  if (typeof value === 'string') return value.includes('\0') ? { field: path, reason: 'may not contain a NUL character' } : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unacceptableInput(item, `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0')) return { field: `${path}.${key.replace(/\0/g, '\\0')}`, reason: 'may not contain a NUL character' };
    if (FORBIDDEN_KEYS.has(key)) return { field: `${path}.${key}`, reason: 'is not an accepted key' };
    const found = unacceptableInput(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Validates every GraphQL input class with class-validator. Unknown properties are refused so a typo in a client
 * never silently drops a setting.
 */
@Injectable()
export class VigiaValidationPipe implements PipeTransform {
  /** `type` is for generic resolvers, whose argument types TypeScript erases to Object. */
  constructor(private readonly type?: new () => object) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only client input is validated (Nest reports GraphQL arguments as 'body'): parents, context and info are
    // Vigia's own objects.
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const unacceptable = unacceptableInput(value, metadata.data ?? 'input');
    if (unacceptable) throw VigiaException.invalid(unacceptable.field, unacceptable.reason);
    const type = this.type ?? metadata.metatype;
    if (!type || value === null || value === undefined || [String, Number, Boolean, Array, Object].includes(type as never)) {
      return value;
    }
    const instance = plainToInstance(type as new () => object, value);
    // A nameless @Args() (an ArgsType such as PageArgs) receives all of the field's arguments, its siblings included;
    // GraphQL has already refused unknown arguments, so there only the ArgsType's own are kept. Named inputs refuse
    // unknown keys.
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: Boolean(metadata.data), forbidUnknownValues: false });
    const failure = firstValidationFailure(errors);
    if (failure) {
      const field = metadata.data ? `${metadata.data}.${failure.field}` : failure.field;
      throw VigiaException.invalid(field, failure.reason);
    }
    return instance;
  }
}
