import { type FormEvent, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { when } from '../lib/format.js';
import type { StatusPageView } from './status-pages.page.js';

interface Subscriber {
  id: string;
  kind: string;
  address: string;
  confirmedAt: string | null;
  createdAt: string;
  componentIds: string[];
  heldNotifications: number;
  coalescedNotifications: number;
}

interface SubscribersData {
  statusSubscribers: { totalCount: number; nodes: Subscriber[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const PAGE_SIZE = 50;

const SUBSCRIBERS = `query StatusSubscribers($pageId: ID!, $first: Int, $after: String) {
  statusSubscribers(pageId: $pageId, first: $first, after: $after) { totalCount nodes { id kind address confirmedAt createdAt componentIds heldNotifications coalescedNotifications } pageInfo { hasNextPage endCursor } }
}`;

/**
 * A page's subscribers (the tenant's data: admins only), 50 at a time by address; one deleted on request, or all of
 * them downloaded as the API's CSV.
 */
export function StatusSubscribersPanel({ page }: { page: StatusPageView }) {
  // The cursors of the pages seen so far, so Previous goes back without the API counting backwards.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const [{ data, fetching, error }, refetch] = useQuery<SubscribersData>({ query: SUBSCRIBERS, variables: { pageId: page.id, first: PAGE_SIZE, after } });
  const [removed, remove] = useMutation('mutation DeleteStatusSubscriber($id: ID!) { deleteStatusSubscriber(id: $id) }');
  const [deleting, setDeleting] = useState<string | undefined>();
  const client = useClient();
  const [download, setDownload] = useState<{ fetching: boolean; error?: { message: string } }>({ fetching: false });
  const list = data?.statusSubscribers;
  const downloadCsv = async () => {
    setDownload({ fetching: true });
    const res = await client.query<{ statusSubscribersCsv: string }>('query SubscribersCsv($id: ID!) { statusSubscribersCsv(pageId: $id) }', { id: page.id }, { requestPolicy: 'network-only' }).toPromise();
    if (!res.data) return setDownload({ fetching: false, error: res.error });
    // Made in the browser from the API's text: a file the operator's spreadsheet opens, named after the page.
    const url = URL.createObjectURL(new Blob([res.data.statusSubscribersCsv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${page.slug}-subscribers.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
    setDownload({ fetching: false });
  };
  return (
    <section aria-labelledby="subscribers-title">
      <h2 id="subscribers-title">Subscribers of {page.title}</h2>
      <p>
        {list ? `${list.totalCount} subscriber${list.totalCount === 1 ? '' : 's'}. ` : ''}
        <button type="button" disabled={download.fetching} onClick={downloadCsv}>
          Download all as CSV
        </button>
      </p>
      <QueryError error={error ?? removed.error ?? download.error} />
      <AddWebhook page={page} onAdded={() => refetch({ requestPolicy: 'network-only' })} />
      {fetching && !data && <Loading what="the subscribers" />}
      {list && list.nodes.length === 0 && <p className="muted">Nobody has subscribed yet.</p>}
      {list && list.nodes.length > 0 && (
        <DataTable head={['Address', 'Kind', 'Hears about', 'Confirmed', 'Since', 'Over the hourly limit', '']}>
          {list.nodes.map((s) => (
            <tr key={s.id} data-subscriber={s.address}>
              <td>{s.address}</td>
              <td>{s.kind}</td>
              <td>
                <HearsAbout page={page} subscriber={s} onSaved={() => refetch({ requestPolicy: 'network-only' })} />
              </td>
              <td>{s.confirmedAt ? when(s.confirmedAt) : 'not yet: sent nothing but the confirmation'}</td>
              <td>{when(s.createdAt)}</td>
              <td>{heldWords(s)}</td>
              <td className="row-actions">
                {deleting !== s.id ? (
                  <button type="button" className="danger" aria-label={`Delete ${s.address}`} onClick={() => setDeleting(s.id)}>
                    Delete…
                  </button>
                ) : (
                  <span role="alertdialog" aria-label={`Delete ${s.address}?`} className="confirm">
                    <span>{s.address} is removed with anything not yet sent to it, and is not told.</span>
                    <button
                      type="button"
                      className="danger"
                      disabled={removed.fetching}
                      onClick={() =>
                        remove({ id: s.id }).then((r) => {
                          setDeleting(undefined);
                          if (!r.error) refetch({ requestPolicy: 'network-only' });
                        })
                      }
                    >
                      Delete {s.address}
                    </button>
                    <button type="button" onClick={() => setDeleting(undefined)}>
                      Keep it
                    </button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {(cursors.length > 1 || list?.pageInfo.hasNextPage) && (
        <p>
          <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </button>{' '}
          <button type="button" disabled={!list?.pageInfo.hasNextPage} onClick={() => list?.pageInfo.endCursor && setCursors([...cursors, list.pageInfo.endCursor])}>
            Next
          </button>
        </p>
      )}
    </section>
  );
}

/** What the per-subscriber hourly limit did, in words: held (sent later) and coalesced (a newer update went instead). */
function heldWords(s: Pick<Subscriber, 'heldNotifications' | 'coalescedNotifications'>): string {
  if (!s.heldNotifications && !s.coalescedNotifications) return '—';
  return [s.heldNotifications ? `${s.heldNotifications} held, sent later` : '', s.coalescedNotifications ? `${s.coalescedNotifications} coalesced into a newer update` : ''].filter(Boolean).join('; ');
}

/** What a subscriber hears about, in words: every component, or the names of those it chose. */
function componentNames(page: StatusPageView, ids: string[]): string {
  if (!ids.length) return 'all components';
  return ids.map((id) => page.components.find((c) => c.id === id)?.displayName ?? 'a component no longer on the page').join(', ');
}

const SET_COMPONENTS = `mutation SetStatusSubscriberComponents($id: ID!, $componentIds: [ID!]!) {
  updateStatusSubscriberComponents(id: $id, componentIds: $componentIds) { id componentIds }
}`;

/**
 * What a subscriber hears about, and (on a page of two or more components) a Change… button that ticks them anew:
 * a webhook's (no need to delete and add it again), or an e-mail address's on its reader's request.
 */
function HearsAbout({ page, subscriber, onSaved }: { page: StatusPageView; subscriber: Subscriber; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [chosen, setChosen] = useState<string[]>(subscriber.componentIds);
  const [result, save] = useMutation(SET_COMPONENTS);
  const errors = formErrors(result.error, ['componentIds']);
  if (!editing || page.components.length < 2) {
    return (
      <>
        {componentNames(page, subscriber.componentIds)}
        {page.components.length > 1 && (
          <>
            {' '}
            <button type="button" aria-label={`Change the components of ${subscriber.address}`} onClick={() => {
                setChosen(subscriber.componentIds);
                setEditing(true);
              }}>
              Change…
            </button>
          </>
        )}
      </>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await save({ id: subscriber.id, componentIds: chosen });
    if (res.error) return;
    setEditing(false);
    onSaved();
  };
  return (
    <form aria-label={`Components of ${subscriber.address}`} onSubmit={submit}>
      <FormErrorList errors={errors} />
      <fieldset>
        <legend>Hears about (none ticked: all)</legend>
        {page.components.map((c) => (
          <label key={c.id} className="check">
            <input type="checkbox" checked={chosen.includes(c.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))} />
            {c.displayName}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={result.fetching}>
        Save the components
      </button>{' '}
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}

const ADD_WEBHOOK = `mutation AddStatusWebhook($pageId: ID!, $input: StatusWebhookSubscriberInput!) {
  addStatusWebhookSubscriber(pageId: $pageId, input: $input) { id address }
}`;

/**
 * A webhook told of the page's published posts and maintenance notices (admins): its URL, the signing secret the
 * operator chose (the receiver checks X-Vigia-Signature with it; never shown again, stored sealed), and optionally the
 * components it hears about.
 */
function AddWebhook({ page, onAdded }: { page: StatusPageView; onAdded: () => void }) {
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [done, setDone] = useState('');
  const [result, add] = useMutation<{ addStatusWebhookSubscriber: { address: string } }>(ADD_WEBHOOK);
  const errors = formErrors(result.error, ['url', 'secret', 'componentIds']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone('');
    const res = await add({ pageId: page.id, input: { url: url.trim(), secret, componentIds: chosen } });
    if (res.error || !res.data) return;
    setDone(`Added ${res.data.addStatusWebhookSubscriber.address}.`);
    setUrl('');
    setSecret('');
    setChosen([]);
    onAdded();
  };
  return (
    <form aria-label="Add a webhook subscriber" className="card" onSubmit={submit}>
      <h3>Add a webhook</h3>
      <FormErrorList errors={errors} />
      <Field label="Webhook URL" error={errors.fields.url} hint="Receives a signed JSON POST for each published post update and maintenance notice">
        {(props) => <input {...props} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required />}
      </Field>
      <Field label="Signing secret" error={errors.fields.secret} hint="16 to 512 characters; the receiver checks X-Vigia-Signature with it. Stored sealed and never shown again.">
        {(props) => <input {...props} type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} required />}
      </Field>
      {page.components.length > 1 && (
        <fieldset className={errors.fields.componentIds ? 'field-invalid' : undefined}>
          <legend>Components it hears about (none ticked: all)</legend>
          {page.components.map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={chosen.includes(c.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))} />
              {c.displayName}
            </label>
          ))}
          {errors.fields.componentIds && (
            <small className="error" role="alert">
              {errors.fields.componentIds}
            </small>
          )}
        </fieldset>
      )}
      <button type="submit" disabled={result.fetching}>
        Add the webhook
      </button>
      {done && <p role="status">{done}</p>}
    </form>
  );
}
