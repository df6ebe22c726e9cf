import { useMutation } from 'urql';
import { useNavigate } from 'react-router';
import { useCan } from '../session-context.js';
import { ConfirmDelete } from './confirm-delete.js';

/** The objects that have a page of their own with Delete… and, for owners, Purge…. */
export type DeletableKind = 'monitor' | 'service' | 'host' | 'customer';

const DELETE: Record<DeletableKind, string> = {
  monitor: 'mutation DeleteMonitor($id: ID!) { deleteMonitor(id: $id) }',
  service: 'mutation DeleteService($id: ID!) { deleteService(id: $id) }',
  host: 'mutation DeleteHost($id: ID!) { deleteHost(id: $id) }',
  customer: 'mutation DeleteCustomer($id: ID!) { deleteCustomer(id: $id) }',
};

/** What a purge takes with it, per kind, said before it happens. */
const PURGE_TAKES: Record<DeletableKind, string> = {
  monitor: 'its incidents, state changes and response times',
  service: 'its monitors, their incidents, state changes and response times, and its customer link periods',
  host: 'its services and monitors, their incidents, state changes and response times, and their customer link periods',
  customer: 'its link periods to the services that served it',
};

/**
 * An object page's way out: "Delete…" (history kept: past reports still count it), and for an owner "Purge…" (the
 * object with its history, for good). Each says what it does before it does it; both lead to `then`, a purge with the
 * API's account of what went shown there.
 */
export function DeleteOrPurge({ kind, id, name, consequences, then }: { kind: DeletableKind; id: string; name: string; consequences: string; then: string }) {
  const [deleted, remove] = useMutation(DELETE[kind]);
  const [purged, purge] = useMutation<{ purge: { message: string } }>('mutation Purge($input: PurgeInput!) { purge(input: $input) { message } }');
  const owner = useCan('owner');
  const navigate = useNavigate();
  return (
    <>
      <ConfirmDelete
        name={name}
        error={deleted.error}
        busy={deleted.fetching}
        consequences={consequences}
        onConfirm={async () => {
          const r = await remove({ id });
          if (!r.error) navigate(then);
          return !r.error;
        }}
      />
      {owner && (
        <ConfirmDelete
          verb="Purge"
          name={name}
          error={purged.error}
          busy={purged.fetching}
          consequences={
            <>
              Purging removes {name} and, for good, {PURGE_TAKES[kind]}. Reports of past months will no longer count it, so
              their figures change. This cannot be undone; <strong>Delete</strong> keeps the history instead.
            </>
          }
          onConfirm={async () => {
            const r = await purge({ input: { kind, id, confirm: true } });
            if (r.data) navigate(then, { state: { notice: r.data.purge.message } });
            return !r.error;
          }}
        />
      )}
    </>
  );
}
