/**
 * What a secret's text holds when the operator asked to remove the stored one: it cannot be typed (a NUL leads it),
 * so no real credential is ever taken for it. Each form sends the API's own "remove" for it: an empty string.
 */
export const REMOVE_SECRET = '\u0000remove';

/** The secret as the API takes it on an edit: undefined keeps the stored one, '' removes it, anything else replaces it. */
export function secretToSend(text: string): string | undefined {
  if (text === REMOVE_SECRET) return '';
  return text.trim() === '' ? undefined : text.trim();
}

/**
 * A write-only credential: typed, never shown back. When one is stored, a check box under it removes it (an empty
 * field keeps it, so emptying the field cannot be the way to remove it).
 */
export function SecretInput({
  control,
  label,
  stored,
  value,
  onChange,
  multiline = false,
  removable = true,
}: {
  /** The Field's props for the control (id, aria-invalid, aria-describedby). */
  control: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string };
  label: string;
  stored: boolean;
  value: string;
  onChange: (text: string) => void;
  multiline?: boolean;
  /** False where the kind needs its secret (an alert channel's): it can be replaced, not removed. */
  removable?: boolean;
}) {
  const removing = value === REMOVE_SECRET;
  const shown = removing ? '' : value;
  return (
    <>
      {multiline ? (
        <textarea {...control} rows={4} value={shown} disabled={removing} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...control}
          type="password"
          autoComplete="new-password"
          placeholder={stored && !removing ? 'unchanged (sealed)' : undefined}
          value={shown}
          disabled={removing}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {stored && removable && (
        <label className="check secret-remove">
          <input type="checkbox" checked={removing} onChange={(e) => onChange(e.target.checked ? REMOVE_SECRET : '')} /> Remove the stored{' '}
          {label.charAt(0).toLowerCase() + label.slice(1)}
        </label>
      )}
    </>
  );
}
