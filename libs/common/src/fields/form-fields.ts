import { z } from 'zod';
import { isRequired, metaOf } from './check-settings.js';
import { type FieldShape, refinedBase } from './fields.js';

/** How a form asks for one setting: the dashboard draws its control from this, the API checks the value as always. */
export type FormInput = 'text' | 'number' | 'flag' | 'choice' | 'list' | 'numbers' | 'pairs';

export interface FormField {
  /** The settings key, e.g. `expectedStatus`. */
  name: string;
  /** The key in words: "Expected status". */
  label: string;
  input: FormInput;
  required: boolean;
  /** A credential: write-only, read back as "<sealed>". */
  secret: boolean;
  /** For `choice`: the values allowed. */
  choices: string[];
}

/** `expectedStatus` → "Expected status"; `tlsVerify` → "TLS verify". */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
  const spelled = words.map((w, i) => (/^(tls|url|dns|ssh|ms|id|ip|smtp|imap|pop3|api|tsig|vm|vip|xml|mb)$/i.test(w) ? (w.toLowerCase() === 'ms' ? 'ms' : w.toUpperCase()) : i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w.toLowerCase()));
  return spelled.join(' ').replace(/ ms$/, ' (ms)');
}

interface JsonSchemaPart {
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchemaPart;
  anyOf?: JsonSchemaPart[];
}

/** The control for a field, read from its JSON Schema (zod's own conversion): rules zod cannot express are text. */
function inputOf(field: z.ZodType): { input: FormInput; choices: string[] } {
  let schema = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
  while (refinedBase.has(schema)) schema = refinedBase.get(schema)!;
  const { choices, collection } = metaOf(schema);
  if (choices) return { input: 'choice', choices: [...choices] };
  if (collection) return { input: collection === 'strings' ? 'list' : collection, choices: [] };
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaPart;
  const part = json.anyOf?.find((p) => p.type !== 'null') ?? json;
  if (part.enum) return { input: 'choice', choices: part.enum.map(String) };
  if (part.type === 'boolean') return { input: 'flag', choices: [] };
  if (part.type === 'integer' || part.type === 'number') return { input: 'number', choices: [] };
  if (part.type === 'array') return { input: part.items?.type === 'integer' || part.items?.type === 'number' ? 'numbers' : 'list', choices: [] };
  if (part.type === 'object') return { input: 'pairs', choices: [] };
  return { input: 'text', choices: [] };
}

/** Every setting of a kind's shape as a form field, in the order the kind declares them. */
export function formFieldsOf(shape: FieldShape): FormField[] {
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    label: labelOf(name),
    required: isRequired(schema),
    secret: metaOf(schema).secret === true,
    ...inputOf(schema),
  }));
}
