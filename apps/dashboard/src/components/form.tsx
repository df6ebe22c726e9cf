import { type ReactNode, useId } from 'react';
import type { FormErrors } from '../api/errors.js';

interface FieldProps {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control with its hint and the API's error for that field right below it. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described })}
      {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function FormErrorList({ errors }: { errors: FormErrors }) {
  if (!errors.general.length) return null;
  return (
    <div className="banner banner-error" role="alert">
      {errors.general.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function QueryError({ error }: { error: { message: string } | undefined }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      {error.message.replace(/^\[(GraphQL|Network)\] /, '')}
    </div>
  );
}
