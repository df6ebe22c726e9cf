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
    else result.general.push(pathInWords(e.message));
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

/**
 * An API message about a field the form has no control for keeps its field, in words: "input.steps[1].delayMinutes:
 * must be later…" reads "Steps 2, delay minutes: must be later…"; "input.timeoutMs" reads "Timeout (ms)". The exact
 * path stays in the error's `extensions.field` for scripts.
 */
export function pathInWords(message: string): string {
  const found = /^([A-Za-z][\w.[\]]*): (.*)$/s.exec(message);
  if (!found) return message;
  const segments = found[1]!.replace(/^input\./, '').split('.');
  const words = segments.map((segment) =>
    segment
      .replace(/\[(\d+)\]/g, (_m, n: string) => ` ${Number(n) + 1}`)
      .replace(/Ids?\b/, (id) => (id === 'Ids' ? 's' : ''))
      .replace(/Ms\b/, ' (ms)')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase(),
  );
  const text = words.join(', ').replace(/\b(ssh|url|tls|dns|ip|smtp|imap|vip)\b/g, (w) => w.toUpperCase());
  return `${text[0]!.toUpperCase()}${text.slice(1)}: ${found[2]}`;
}
