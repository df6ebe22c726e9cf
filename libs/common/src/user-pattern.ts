import RE2 from 're2';

/** Longest pattern a tenant may save (bodyRegex, bannerRegex, outputRegex). */
export const MAX_PATTERN_LENGTH = 1000;
/** A pattern is matched against at most this much of the subject (the first 1 MiB of a body). */
export const MAX_SUBJECT_LENGTH = 1024 * 1024;

/** A tenant's pattern, compiled for a linear-time engine. */
export interface UserPattern {
  test(subject: string): boolean;
}

/**
 * Compiles a user-supplied pattern with RE2 (the `re2` package): matching time is linear in the subject, so a
 * pattern like `^(a+)+$` cannot freeze the process every tenant shares (V8's backtracking engine took 14 s on 30
 * characters). RE2 has no backreferences or lookaround; such patterns are refused at save by `userPatternProblem`.
 * Throws on an invalid or oversized pattern.
 */
export function compileUserPattern(source: string, flags = ''): UserPattern {
  if (source.length > MAX_PATTERN_LENGTH) throw new Error(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const re = new RE2(source, flags);
  return { test: (subject) => re.test(subject.length > MAX_SUBJECT_LENGTH ? subject.slice(0, MAX_SUBJECT_LENGTH) : subject) };
}

/** Why `value` cannot be a tenant's pattern (not a string, too long, or beyond the linear-time engine); undefined when it can. */
export function userPatternProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a regular expression (a string)';
  if (value.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RE2(value);
    return undefined;
  } catch (error) {
    const detail = (error as Error).message;
    if (/\\[1-9k]|\(\?<?[=!]/.test(value)) return `uses backreferences or lookaround, which the linear-time engine (RE2) does not run (${detail})`;
    return 'must be a valid regular expression';
  }
}
