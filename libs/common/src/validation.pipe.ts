import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { Matches, type ValidationError, validate } from 'class-validator';
import { VigiaException } from './vigia.exception.js';

/**
 * Characters that show nothing: spaces of every kind, format characters (zero-width space and joiners, the byte order
 * mark, soft hyphen) and the fillers that render blank (Hangul fillers, the blank Braille pattern). A name made only of
 * them is a row nobody can tell apart from an empty one.
 */
const INVISIBLE = String.raw`\s\p{Z}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800`;

/**
 * Bidirectional overrides and isolates: in a name they reorder what the reader sees ("Trojan Source"), so a host
 * named one way is shown as another in the dashboard, e-mails and logs.
 */
const BIDI_CONTROLS = String.raw`\u202A-\u202E\u2066-\u2069`;

/**
 * A free-text name or label: at least one visible character (not only spaces or zero-width characters: names are
 * trimmed when saved, and a blank one is a row nobody can tell apart), no control characters (they end up in e-mails
 * and shells) and no bidirectional overrides. Linear: the look-ahead and the body each read the string once.
 */
export const VISIBLE_TEXT = new RegExp(String.raw`^(?=[^\p{Cc}]*[^\p{Cc}${INVISIBLE}])[^\p{Cc}${BIDI_CONTROLS}]+$`, 'u');

/** The reason a text fails `VISIBLE_TEXT`, in words (null when it passes). */
export function visibleTextProblem(text: string): string | null {
  if (VISIBLE_TEXT.test(text)) return null;
  if (text.trim() === '') return 'must not be empty';
  if (/\p{Cc}/u.test(text)) return 'must not contain control characters';
  if (new RegExp(`[${BIDI_CONTROLS}]`, 'u').test(text)) return 'must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069): they make a name read differently from what it is';
  return 'must contain a visible character (it holds only spaces or zero-width characters)';
}

/** The marker `firstValidationFailure` replaces with `visibleTextProblem`'s words. */
const VISIBLE_TEXT_MESSAGE = 'must be visible text';

/** A name or label field: `VISIBLE_TEXT`, its failures worded by `visibleTextProblem` (below). */
export const VisibleText = (): PropertyDecorator => Matches(VISIBLE_TEXT, { message: VISIBLE_TEXT_MESSAGE });

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
      const first = Object.values(error.constraints)[0] ?? 'is invalid';
      if (first === VISIBLE_TEXT_MESSAGE && typeof error.value === 'string') return { field, reason: visibleTextProblem(error.value) ?? first };
      return { field, reason: inWords(first, error.property) };
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
