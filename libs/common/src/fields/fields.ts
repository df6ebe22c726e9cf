import { z } from 'zod';
import { userPatternProblem } from '../user-pattern.js';
import { isAddress, isHttpUrl } from './field-rules.js';

/**
 * The field-spec language every pluggable kind declares its settings in (probe configs, runbook step fields, alert
 * channel configs, resource configs): a field is a zod schema whose messages are written for the operator ("must be a
 * port from 1 to 65535"), tagged with what the checks around it need to know (egress, secret). Each builder's default
 * message is the one the API has always given; a kind passes its own where its wording differs.
 */
export interface FieldMeta {
  /** A value Vigia connects to: judged by the egress policy at save (an address literal, or a URL's host). */
  egress?: 'address' | 'url';
  /** A credential: sealed at rest, shown as "<sealed>". */
  secret?: boolean;
  /** HTTP header names whose values are credentials (a headers field). */
  secretHeaders?: RegExp;
  /** The values a one-of field allows, for a form's choice (zod sees only a rule). */
  choices?: readonly string[];
  /** What a rule-checked collection holds, for a form's control: a list of strings, of numbers, or name → value pairs. */
  collection?: 'strings' | 'numbers' | 'pairs';
}

/** Where field tags live: beside the schema, not inside the value (zod's own registry types cannot hold a RegExp). */
export const fieldMeta = new WeakMap<z.ZodType, FieldMeta>();

/** A refined field's base (its JSON type, which the rule around it hides), for describing it as a form field. */
export const refinedBase = new WeakMap<z.ZodType, z.ZodType>();

/** The fields of one kind's settings; optional ones are `.optional()`. */
export type FieldShape = Record<string, z.ZodType>;

/** The typed value a shape describes: what a probe's runner or a step's planner receives. */
export type SettingsOf<S extends FieldShape> = z.infer<z.ZodObject<S>>;

/** A field checked by a function that says what is wrong in words (for rules zod has no builder for). */
export function rule<T>(problem: (value: unknown) => string | undefined): z.ZodType<T> {
  return z.custom<T>().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
}

/** Why `value` does not fit the field, in the field's own words; undefined when it does. */
export function fieldProblem(schema: z.ZodType, value: unknown): string | undefined {
  return fieldIssue(schema, value)?.message;
}

/** The first problem and where inside the value it is (`[2]` for a list's third item, `.name` in a mapping). */
export function fieldIssue(schema: z.ZodType, value: unknown): { message: string; at: string } | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const at = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return { message: issue?.message ?? 'is not valid', at };
}

/** A field with one more rule, checked only on a value the field accepts (a range beyond the type, a set). */
export function refined<T>(schema: z.ZodType<T>, problem: (value: T) => string | undefined): z.ZodType<T> {
  const field = rule<T>((v) => fieldProblem(schema, v) ?? problem(v as T));
  // The refined field is still what the inner one was (an address, a secret): its tags carry over.
  const meta = fieldMeta.get(schema);
  if (meta) fieldMeta.set(field, meta);
  refinedBase.set(field, schema);
  return field;
}

/** A tag on a field (the registry keeps it beside the schema). */
export function tagged<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  fieldMeta.set(schema, meta);
  return schema;
}

export function text(options: { max?: number; message?: string } = {}): z.ZodString {
  const max = options.max ?? 4096;
  const message = options.message ?? `must be a string of at most ${max} characters`;
  return z.string({ error: message }).max(max, { error: message });
}

/** A whole number; without `message`, each bound says itself ("must be at least 1"). */
export function int(options: { min?: number; max?: number; message?: string } = {}): z.ZodNumber {
  let schema = z.int({ error: options.message ?? 'must be an integer' });
  if (options.min !== undefined) schema = schema.min(options.min, { error: options.message ?? `must be at least ${options.min}` });
  if (options.max !== undefined) schema = schema.max(options.max, { error: options.message ?? `must be at most ${options.max}` });
  return schema;
}

export function flag(): z.ZodBoolean {
  return z.boolean({ error: 'must be true or false' });
}

export function port(message = 'must be a port from 1 to 65535'): z.ZodNumber {
  return int({ min: 1, max: 65535, message });
}

/** An IP address or host name Vigia connects to (judged by the egress policy at save). */
export function address(message = 'must be an IP address or a host name'): z.ZodType<string> {
  return tagged(rule<string>((v) => (isAddress(v) ? undefined : message)), { egress: 'address' });
}

/** A host name that is only a name (e.g. EHLO): same rule as `address`, not a connection. */
export function hostName(message = 'must be an IP address or a host name'): z.ZodType<string> {
  return rule<string>((v) => (isAddress(v) ? undefined : message));
}

/** An http(s) URL Vigia calls (judged by the egress policy at save). */
export function httpUrl(message = 'must be an http:// or https:// URL'): z.ZodType<string> {
  return tagged(rule<string>((v) => (isHttpUrl(v) ? undefined : message)), { egress: 'url' });
}

/** A string matching `pattern`; the message reads "must be <what>". */
export function matching(pattern: RegExp, what: string): z.ZodType<string> {
  return rule<string>((v) => (typeof v === 'string' && pattern.test(v) ? undefined : `must be ${what}`));
}

/** One of a fixed set (`ignoreCase`: "get" is GET). */
export function oneOf<const T extends readonly string[]>(values: T, options: { ignoreCase?: boolean; message?: string } = {}): z.ZodType<T[number]> {
  const allowed = options.ignoreCase ? values.map((v) => v.toUpperCase()) : values;
  const message = options.message ?? `must be one of ${values.join(', ')}`;
  return tagged(rule<T[number]>((v) => (typeof v === 'string' && allowed.includes(options.ignoreCase ? v.toUpperCase() : v) ? undefined : message)), { choices: values });
}

/** A tenant's regular expression, run by the linear-time engine (RE2). */
export function userRegex(): z.ZodType<string> {
  return rule<string>(userPatternProblem);
}

export function stringList(message = 'must be a list of strings'): z.ZodType<string[]> {
  return tagged(rule<string[]>((v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : message)), { collection: 'strings' });
}

export function intList(message = 'must be a list of whole numbers'): z.ZodType<number[]> {
  return tagged(rule<number[]>((v) => (Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? undefined : message)), { collection: 'numbers' });
}

/** HTTP headers (token names to string values); the values of `secretHeaders` are credentials. */
export function headers(secretHeaders?: RegExp): z.ZodType<Record<string, string>> {
  const schema = rule<Record<string, string>>((v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(v).every(([k, x]) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(k) && typeof x === 'string')
      ? undefined
      : 'must be an object of header names to string values');
  return tagged(schema, { collection: 'pairs', ...(secretHeaders ? { secretHeaders } : {}) });
}

/** A credential field: sealed at rest, read back as "<sealed>". */
export function secret<T extends z.ZodType>(schema: T): T {
  return tagged(schema, { ...fieldMeta.get(schema), secret: true });
}
