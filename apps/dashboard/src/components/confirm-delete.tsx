import { type ReactNode, useId, useState } from 'react';
import { QueryError } from './form.js';

/**
 * The one way the dashboard deletes something: a "Delete…" button that first says what deleting does, then
 * "Delete <name>" or "Keep it". `onConfirm` returns whether it worked (the dialog stays, with the error, when not).
 */
export function ConfirmDelete({
  name,
  consequences,
  onConfirm,
  error,
  busy = false,
}: {
  name: string;
  consequences: ReactNode;
  onConfirm: () => Promise<boolean>;
  error?: { message: string };
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const id = useId();
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Delete…
      </button>
    );
  return (
    <div role="alertdialog" aria-labelledby={id} className="confirm">
      <p id={id} data-testid="delete-consequences">
        {consequences}
      </p>
      <QueryError error={error} />
      <button type="button" className="danger" disabled={busy} onClick={() => void onConfirm().then((ok) => ok || undefined)}>
        Delete {name}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </div>
  );
}
