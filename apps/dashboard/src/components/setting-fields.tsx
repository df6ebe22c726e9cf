import type { FormErrors } from '../api/errors.js';
import { Field } from './form.js';
import { REMOVE_SECRET, SecretInput } from './secret-input.js';

/**
 * One setting of a pluggable kind (a probe type, an alert channel type) as the API describes it: drawn from the kind's
 * registry entry, so every kind has its typed form and a new kind needs no dashboard change.
 */
export interface SettingField {
  name: string;
  label: string;
  input: 'text' | 'number' | 'flag' | 'choice' | 'list' | 'numbers' | 'pairs';
  required: boolean;
  secret: boolean;
  choices: string[];
}

/** The GraphQL selection of a setting field. */
export const SETTING_FIELD = 'name label input required secret choices';

export const SEALED = '<sealed>';

/** A config value as the form's text holds it (a secret is never shown). */
function toText(field: SettingField, value: unknown): string {
  if (value === undefined || value === null || field.secret) return '';
  if (field.input === 'flag') return value ? 'yes' : 'no';
  if (field.input === 'list') return (value as string[]).join('\n');
  if (field.input === 'numbers') return (value as number[]).join(', ');
  if (field.input === 'pairs') return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join('\n');
  return String(value);
}

/**
 * The form's text back to a config value; undefined leaves the setting out (the kind's default). A number that is not
 * one is sent as written, so the API names the field ("must be a port from 1 to 65535") rather than the form guessing.
 */
function fromText(field: SettingField, text: string, hadValue: boolean): unknown {
  const trimmed = text.trim();
  // A credential left empty on an edit keeps the sealed one; asked to remove, it is sent empty (the API removes it).
  if (field.secret && text === REMOVE_SECRET) return '';
  if (field.secret && trimmed === '') return hadValue ? SEALED : undefined;
  if (trimmed === '') return undefined;
  switch (field.input) {
    case 'flag':
      return trimmed === 'yes';
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'list':
      return trimmed.split('\n').map((l) => l.trim()).filter(Boolean);
    case 'numbers':
      return trimmed.split(/[\s,]+/).filter(Boolean).map((n) => (/^-?\d+$/.test(n) ? Number(n) : n));
    case 'pairs':
      return Object.fromEntries(
        trimmed.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
          const at = l.indexOf(':');
          return at < 0 ? [l, ''] : [l.slice(0, at).trim(), l.slice(at + 1).trim()];
        }),
      );
    default:
      return text;
  }
}

/** The texts typed so far (by setting name) over the stored config: the config to send. */
export function configOf(fields: SettingField[], texts: Record<string, string>, stored: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of fields) {
    const value = fromText(f, texts[f.name] ?? toText(f, stored[f.name]), stored[f.name] !== undefined);
    if (value !== undefined) config[f.name] = value;
  }
  return config;
}

function hint(field: SettingField, had: boolean): string | undefined {
  if (field.name === 'host') return 'Empty: the host’s first address';
  if (field.secret) return had ? 'Write-only: empty keeps the stored one' : 'Write-only: stored sealed, never shown again';
  if (field.input === 'list') return field.name === 'to' ? 'One address per line' : 'One per line';
  if (field.input === 'numbers') return 'Separated by commas, e.g. 200, 301';
  if (field.input === 'pairs') return 'One per line, e.g. Accept: text/html (credential headers are stored sealed)';
  return undefined;
}

/** A setting named like one of the object's own fields gets a label that tells them apart. */
const LABELS: Record<string, string> = { host: 'Address to probe', to: 'Send to' };

/**
 * The settings of one kind: required ones first, the others under "More settings" (opened when one of them is set or
 * refused). `errors` are the form's, with the API's `config.<name>` fields.
 */
export function SettingFields({
  kind,
  fields,
  stored,
  texts,
  onChange,
  errors,
}: {
  /** Keys the controls: a new kind gets fresh controls. */
  kind: string;
  fields: SettingField[];
  stored: Record<string, unknown>;
  texts: Record<string, string>;
  onChange: (name: string, text: string) => void;
  errors: FormErrors;
}) {
  const field = (f: SettingField) => {
    const value = texts[f.name] ?? toText(f, stored[f.name]);
    const had = stored[f.name] !== undefined;
    const set = (e: { target: { value: string } }) => onChange(f.name, e.target.value);
    return (
      <Field key={`${kind}-${f.name}`} label={LABELS[f.name] ?? f.label} error={errors.fields[`config.${f.name}`]} hint={hint(f, had)}>
        {(p) =>
          f.input === 'flag' ? (
            <select {...p} value={value} onChange={set}>
              <option value="">default</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </select>
          ) : f.input === 'choice' ? (
            <select {...p} value={value} onChange={set}>
              {f.required ? (
                <option value="" disabled>
                  choose…
                </option>
              ) : (
                <option value="">default</option>
              )}
              {f.choices.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          ) : f.input === 'list' || f.input === 'pairs' ? (
            <textarea {...p} rows={3} value={value} onChange={set} />
          ) : f.secret ? (
            <SecretInput control={p} label={LABELS[f.name] ?? f.label} stored={had} value={value} onChange={(text) => onChange(f.name, text)} />
          ) : (
            <input {...p} type="text" autoComplete="off" inputMode={f.input === 'number' ? 'numeric' : undefined} value={value} onChange={set} />
          )
        }
      </Field>
    );
  };
  const required = fields.filter((f) => f.required);
  const optional = fields.filter((f) => !f.required);
  return (
    <>
      {required.map(field)}
      {optional.length > 0 && (
        <details open={optional.some((f) => errors.fields[`config.${f.name}`] !== undefined || stored[f.name] !== undefined)}>
          <summary>More settings ({optional.length})</summary>
          {optional.map(field)}
        </details>
      )}
    </>
  );
}
