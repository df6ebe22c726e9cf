import type { CombinedError } from 'urql';

/** The API's errors carry a code and, when about input, the field at fault (e.g. `config.url`, `steps[1].type`). */
export interface FormErrors {
  fields: Record<string, string>;
  general: string[];
}

interface ApiErrorExtensions {
  code?: string;
  field?: string;
}

export const NO_ERRORS: FormErrors = { fields: {}, general: [] };

/**
 * Splits an API error into messages shown next to their fields and the rest. `known` are the form's field names:
 * `config.url` goes to a field named `config.url` if there is one, else to `config`.
 */
export function formErrors(error: CombinedError | undefined, known: string[]): FormErrors {
  if (!error) return NO_ERRORS;
  const result: FormErrors = { fields: {}, general: [] };
  if (error.networkError && !error.graphQLErrors.length) result.general.push('The API cannot be reached. Check the connection and try again.');
  for (const e of error.graphQLErrors) {
    const { field } = (e.extensions ?? {}) as ApiErrorExtensions;
    const target = field ? fieldFor(field, known) : undefined;
    // Beside its field the message needs no "input.name: " prefix; in the general list it keeps it.
    if (target && !result.fields[target]) result.fields[target] = e.message.replace(/^[\w.[\]]+: /, '');
    else result.general.push(e.message);
  }
  return result;
}

function fieldFor(field: string, known: string[]): string | undefined {
  let name = field.replace(/^input\./, '');
  for (;;) {
    if (known.includes(name)) return name;
    const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('['));
    if (cut <= 0) return undefined;
    name = name.slice(0, cut);
  }
}
