import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { when } from '../lib/format.js';

interface Window {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  recurrence: string | null;
}

interface Notice {
  id: string;
  windowId: string;
  title: string;
  body: string;
}

const NOTICES = `query MaintenanceNotices {
  maintenanceWindows(first: 200) { nodes { id name startsAt endsAt recurrence } }
  statusMaintenanceNotices { id windowId title body }
}`;

/**
 * Which maintenance windows the status pages announce (opt-in per window, operators): each window with its notice's
 * title, or "not announced"; **Announce…** with the title and text the pages show (never the window's own name),
 * **Withdraw**. A page shows a notice when the window covers one of its components; subscribers are told at the
 * announcement, the start and the end.
 */
export function MaintenanceNoticesPanel() {
  const [{ data, fetching, error }, refetch] = useQuery<{ maintenanceWindows: { nodes: Window[] }; statusMaintenanceNotices: Notice[] }>({ query: NOTICES });
  const [editing, setEditing] = useState<string | undefined>();
  const [withdrawn, withdraw] = useMutation('mutation WithdrawMaintenanceNotice($windowId: ID!) { withdrawMaintenanceNotice(windowId: $windowId) }');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (fetching && !data) return <Loading what="the maintenance windows" />;
  if (!data) return <QueryError error={error} />;
  const notices = new Map(data.statusMaintenanceNotices.map((n) => [n.windowId, n]));
  return (
    <section aria-labelledby="maintenance-notices-title">
      <h2 id="maintenance-notices-title">Maintenance notices</h2>
      <QueryError error={withdrawn.error} />
      {data.maintenanceWindows.nodes.length === 0 ? (
        <p className="muted">No maintenance windows (Settings → Maintenance windows).</p>
      ) : (
        <DataTable head={['Window', 'When', 'On the status pages', '']}>
          {data.maintenanceWindows.nodes.map((w) => {
            const notice = notices.get(w.id);
            return (
              <tr key={w.id} data-window={w.name}>
                <td>{w.name}</td>
                <td>
                  {when(w.startsAt)} – {when(w.endsAt)}
                  {w.recurrence && <div className="muted">repeats: {w.recurrence}</div>}
                </td>
                <td data-testid="notice-state">{notice ? `Announced as “${notice.title}”` : 'Not announced'}</td>
                <td className="row-actions">
                  {editing === w.id ? (
                    <NoticeForm window={w} notice={notice} onDone={() => (setEditing(undefined), reload())} onCancel={() => setEditing(undefined)} />
                  ) : (
                    <button type="button" aria-label={`${notice ? 'Edit the notice of' : 'Announce'} ${w.name}`} onClick={() => setEditing(w.id)}>
                      {notice ? 'Edit the notice…' : 'Announce…'}
                    </button>
                  )}
                  {notice && editing !== w.id && (
                    <button type="button" aria-label={`Withdraw ${w.name}`} disabled={withdrawn.fetching} onClick={() => withdraw({ windowId: w.id }).then((r) => !r.error && reload())}>
                      Withdraw
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}

function NoticeForm({ window, notice, onDone, onCancel }: { window: Window; notice: Notice | undefined; onDone: () => void; onCancel: () => void }) {
  const [title, setTitle] = useState(notice?.title ?? '');
  const [body, setBody] = useState(notice?.body ?? '');
  const [result, publish] = useMutation('mutation PublishMaintenanceNotice($windowId: ID!, $title: String!, $body: String!) { publishMaintenanceNotice(windowId: $windowId, title: $title, body: $body) { id } }');
  const errors = formErrors(result.error, ['title', 'body']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await publish({ windowId: window.id, title, body });
    if (!res.error) onDone();
  };
  return (
    <form aria-label={`Notice of ${window.name}`} onSubmit={submit}>
      <FormErrorList errors={errors} />
      <Field label="Title shown" error={errors.fields.title} hint="On the status pages and in the subscribers' mails; the window's own name is never shown">
        {(props) => <input {...props} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />}
      </Field>
      <Field label="Text shown" error={errors.fields.body}>
        {(props) => <textarea {...props} value={body} onChange={(e) => setBody(e.target.value)} maxLength={5000} rows={3} />}
      </Field>
      <button type="submit" disabled={result.fetching}>
        {notice ? 'Save the notice' : 'Announce'}
      </button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
