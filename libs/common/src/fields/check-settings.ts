import { z } from 'zod';
import { VigiaException } from '../vigia.exception.js';
import { fieldIssue, fieldMeta, type FieldMeta, type FieldShape } from './fields.js';

/** How a kind's validator words its refusals (`is not a setting of a tcp monitor`, `is required for a webhook`). */
export interface SettingsWords {
  /** The input's path, e.g. `input.config`: a field's error names `input.config.<key>`. */
  path: string;
  unknown(key: string): string;
  required(key: string): string;
}

/** The egress policy as the checks see it (`EgressGuard` of `#lib/egress` fits): why a literal or URL is refused. */
export interface AddressJudge {
  literalRefusal(host: string): string | undefined;
  urlRefusal(url: string): string | undefined;
}

/** The tags of a field, looking through `.optional()`. */
export function metaOf(schema: z.ZodType): FieldMeta {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return fieldMeta.get(inner) ?? fieldMeta.get(schema) ?? {};
}

export function isRequired(schema: z.ZodType): boolean {
  return !schema.safeParse(undefined).success;
}

/** The keys a settings object must have. */
export function requiredKeys(shape: FieldShape): string[] {
  return Object.keys(shape).filter((key) => isRequired(shape[key]!));
}

/** Why the egress policy refuses a field's value (an address literal or a URL's host); undefined when it does not. */
export function egressProblem(schema: z.ZodType, value: unknown, judge: AddressJudge | undefined): string | undefined {
  if (!judge || typeof value !== 'string') return undefined;
  const { egress } = metaOf(schema);
  return egress === 'address' ? judge.literalRefusal(value) : egress === 'url' ? judge.urlRefusal(value) : undefined;
}

/**
 * Checks a kind's settings against its shape: unknown keys refused (a misspelt `expectedStatus` must not silently turn
 * an assertion off), each value in its field's words, egress judged, then the required keys. Throws VALIDATION_FAILED
 * naming `<path>.<key>` for the first problem, so the operator reads which field and why.
 */
export function checkSettings(shape: FieldShape, input: Record<string, unknown>, words: SettingsWords, judge?: AddressJudge): void {
  for (const key of Object.keys(input)) {
    // Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!schema) throw VigiaException.invalid(`${words.path}.${key}`, words.unknown(key));
    const issue = fieldIssue(schema, input[key]);
    if (issue) throw VigiaException.invalid(`${words.path}.${key}${issue.at}`, issue.message);
    const refused = egressProblem(schema, input[key], judge);
    if (refused) throw VigiaException.invalid(`${words.path}.${key}`, refused);
  }
  for (const key of requiredKeys(shape)) {
    if (input[key] === undefined) throw VigiaException.invalid(`${words.path}.${key}`, words.required(key));
  }
}

/** Paths of the credentials in a settings object (`password`, `headers.Authorization`), from its fields' tags. */
export function secretPaths(shape: FieldShape, input: Record<string, unknown>): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!schema) continue;
    const meta = metaOf(schema);
    if (meta.secret && typeof value === 'string') paths.push(key);
    if (meta.secretHeaders && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, v] of Object.entries(value)) if (typeof v === 'string' && meta.secretHeaders.test(name)) paths.push(`${key}.${name}`);
    }
  }
  return paths;
}
