import { useMutation } from 'urql';
import { useCan } from '../session-context.js';
import { ConfirmDelete } from './confirm-delete.js';

export type PurgeKind = 'monitor' | 'service' | 'host' | 'customer';

/** What a purge takes with it, per kind, said before it happens. */
const TAKES: Record<PurgeKind, string> = {
  monitor: 'its incidents, state changes and response times',
  service: 'its monitors, their incidents, state changes and response times, and its customer link periods',
  host: 'its services and monitors, their incidents, state changes and response times, and their customer link periods',
  customer: 'its link periods to the services that served it',
};

/**
 * "Purge…": the owner's way to remove an object *with* its history (a deletion keeps the history, and past reports
 * keep counting it). Said first: irreversible, and the past months' figures change. `onPurged` gets the API's account
 * of what went ("… 3 incidents, 1,204 state changes").
 */
export function PurgeButton({ kind, id, name, onPurged }: { kind: PurgeKind; id: string; name: string; onPurged: (message: string) => void }) {
  const owner = useCan('owner');
  const [result, purge] = useMutation<{ purge: { message: string } }>('mutation Purge($input: PurgeInput!) { purge(input: $input) { message } }');
  if (!owner) return null;
  return (
    <ConfirmDelete
      verb="Purge"
      name={name}
      error={result.error}
      busy={result.fetching}
      consequences={
        <>
          Purging removes {name} and, for good, {TAKES[kind]}. Reports of past months will no longer count it, so their
          figures change. This cannot be undone; <strong>Delete</strong> keeps the history instead.
        </>
      }
      onConfirm={async () => {
        const r = await purge({ input: { kind, id, confirm: true } });
        if (r.data) onPurged(r.data.purge.message);
        return !r.error;
      }}
    />
  );
}
