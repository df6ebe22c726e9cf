/**
 * Parameter substitution in step fields: `{{ params.to }}`, `{{ params.to.address }}`, `{{ resource.config.address }}`.
 * Only dotted paths into the run's context: no expressions, no code. A field that is exactly one placeholder keeps the
 * value's type (a host stays a host); placeholders inside a longer string are turned into text.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}$/;

export const TEMPLATE_ROOTS = ['params', 'resource', 'incident', 'run', 'steps'] as const;

export class TemplateError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Every placeholder path in a value (for checks at save time). */
export function placeholders(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  if (Array.isArray(value)) return value.flatMap(placeholders);
  if (value && typeof value === 'object') return Object.values(value).flatMap(placeholders);
  return [];
}

function lookup(context: Record<string, unknown>, expression: string, path: string): unknown {
  let current: unknown = context;
  for (const part of expression.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in current)) throw new TemplateError(path, `{{ ${expression} }} has no value here`);
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) throw new TemplateError(path, `{{ ${expression} }} has no value here`);
  return current;
}

function asText(value: unknown, expression: string, path: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A host placed in text reads as its address: `http://{{ params.to }}/`.
  if (value && typeof value === 'object' && 'address' in value) return String((value as { address: unknown }).address);
  throw new TemplateError(path, `{{ ${expression} }} is not text`);
}

export function render(value: unknown, context: Record<string, unknown>, path: string): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(context, whole[1]!, path);
    return value.replace(PLACEHOLDER, (_, expression: string) => asText(lookup(context, expression, path), expression, path));
  }
  if (Array.isArray(value)) return value.map((item, i) => render(item, context, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, render(item, context, `${path}.${key}`)]));
  }
  return value;
}
