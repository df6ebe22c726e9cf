import { type ReactNode, useId, useState } from 'react';
import { QueryError } from './form.js';

/**
 * The one way the dashboard deletes something: a "Delete…" button that first says what deleting does, then
 * "Delete <name>" or "Keep it". `onConfirm` returns whether it worked (the dialog stays, with the error, when not).
 * A purge, and a vantage's revocation, go the same way with their own verb.
 */
export function ConfirmDelete({
  name,
  consequences,
  onConfirm,
  error,
  busy = false,
  verb = 'Delete',
  testId = 'delete-consequences',
}: {
  name: string;
  consequences: ReactNode;
  onConfirm: () => Promise<boolean>;
  error?: { message: string };
  busy?: boolean;
  /** What the buttons say: "Delete…" then "Delete <name>"; a purge says "Purge". */
  verb?: string;
  /** The consequences' test id. */
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  const id = useId();
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {verb}…
      </button>
    );
  return (
    <div role="alertdialog" aria-labelledby={id} className="confirm">
      <p id={id} data-testid={testId}>
        {consequences}
      </p>
      <QueryError error={error} />
      <button type="button" className="danger" disabled={busy} onClick={() => void onConfirm().then((ok) => ok || undefined)}>
        {verb} {name}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </div>
  );
}
