import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { useCan } from '../session-context.js';

const SITES = `query Sites($after: String) {
  sites(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name location } }
}`;

interface Site {
  id: string;
  name: string;
  location: string | null;
}

interface SitesData {
  sites: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Site[] };
}

/** Sites (data centres, locations): hosts are placed in them on the host's page; here they are added, renamed, removed. */
export function SitesPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [{ data, fetching, error }, refetch] = useQuery<SitesData>({ query: SITES, variables: { after: cursors.at(-1) ?? null } });
  const canEdit = useCan('operator');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <Page title="Sites">
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="sites" />
      ) : (
        data && (
          <>
            {data.sites.nodes.length === 0 ? (
              <p className="muted">No sites yet. A site groups hosts by where they run, e.g. a data centre.</p>
            ) : (
              <DataTable head={canEdit ? ['Site', 'Location', 'Hosts', ''] : ['Site', 'Location', 'Hosts']}>
                {data.sites.nodes.map((s) => (
                  <SiteRow key={s.id} site={s} canEdit={canEdit} onChanged={reload} />
                ))}
              </DataTable>
            )}
            <div className="toolbar">
              {cursors.length > 1 && (
                <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
                  Previous page
                </button>
              )}
              {data.sites.pageInfo.hasNextPage && (
                <button type="button" onClick={() => setCursors((c) => [...c, data.sites.pageInfo.endCursor])}>
                  Next page
                </button>
              )}
            </div>
          </>
        )
      )}
      {canEdit && (
        <div className="cards">
          <AddSite onSaved={reload} />
        </div>
      )}
    </Page>
  );
}

/** One site: its hosts counted (a site is seldom more than a few dozen, so one small query per row), rename and delete in place. */
function SiteRow({ site, canEdit, onChanged }: { site: Site; canEdit: boolean; onChanged: () => void }) {
  const [{ data }] = useQuery<{ hosts: { totalCount: number } }>({
    query: 'query SiteHosts($siteId: ID!) { hosts(first: 1, filter: { siteId: $siteId }) { totalCount } }',
    variables: { siteId: site.id },
    requestPolicy: 'cache-and-network',
  });
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const hosts = data?.hosts.totalCount;
  if (mode === 'rename')
    return (
      <tr data-site={site.name}>
        <td colSpan={4}>
          <RenameSite
            site={site}
            onDone={(changed) => {
              setMode('view');
              if (changed) onChanged();
            }}
          />
        </td>
      </tr>
    );
  return (
    <tr data-site={site.name}>
      <td>{site.name}</td>
      <td>{site.location ?? '—'}</td>
      <td>{hosts ?? '…'}</td>
      {canEdit && (
        <td>
          {mode === 'delete' ? (
            <DeleteSite site={site} hosts={hosts} onDone={(deleted) => (deleted ? onChanged() : setMode('view'))} />
          ) : (
            <>
              <button type="button" onClick={() => setMode('rename')} aria-label={`Rename ${site.name}`}>
                Rename
              </button>{' '}
              <button type="button" className="danger" onClick={() => setMode('delete')} aria-label={`Delete ${site.name}…`}>
                Delete…
              </button>
            </>
          )}
        </td>
      )}
    </tr>
  );
}

function RenameSite({ site, onDone }: { site: Site; onDone: (changed: boolean) => void }) {
  const [form, setForm] = useState({ name: site.name, location: site.location ?? '' });
  const [result, update] = useMutation('mutation UpdateSite($id: ID!, $input: UpdateSiteInput!) { updateSite(id: $id, input: $input) { id } }');
  const errors = formErrors(result.error, ['name', 'location']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await update({ id: site.id, input: { name: form.name.trim(), location: form.location.trim() || null } });
    if (!res.error) onDone(true);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Rename ${site.name}`}>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name}>
        {(p) => <input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
      </Field>
      <Field label="Location" error={errors.fields.location}>
        {(p) => <input {...p} value={form.location} onChange={(e) => setForm({ ...form, location: e.target.value })} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Save
      </button>{' '}
      <button type="button" onClick={() => onDone(false)}>
        Cancel
      </button>
    </form>
  );
}

/**
 * Says first what deleting does. The API refuses a site with hosts in it (deleted hosts do not count); its reason is
 * shown as it comes, beside the button, and the site stays.
 */
function DeleteSite({ site, hosts, onDone }: { site: Site; hosts: number | undefined; onDone: (deleted: boolean) => void }) {
  const [result, remove] = useMutation('mutation DeleteSite($id: ID!) { deleteSite(id: $id) }');
  const conflict = result.error?.graphQLErrors.find((e) => (e.extensions as { code?: string }).code === 'CONFLICT');
  const refusal = conflict?.message.replace(/^[\w.[\]]+: /, '');
  return (
    <div role="alertdialog" aria-label={`Delete ${site.name}`} className="confirm">
      <p data-testid="delete-consequences">
        Delete {site.name}? Sites keep no history, so it goes for good.{' '}
        {hosts ? `It still has ${hosts} host${hosts === 1 ? '' : 's'}: move ${hosts === 1 ? 'it' : 'them'} to another site on the host’s page first.` : ''}
      </p>
      {refusal ? (
        <p className="error" role="alert" data-testid="delete-refused">
          Not deleted: {site.name} is {refusal}.
        </p>
      ) : (
        result.error && <QueryError error={result.error} />
      )}
      <button type="button" className="danger" disabled={result.fetching} onClick={() => remove({ id: site.id }).then((r) => !r.error && onDone(true))}>
        Delete {site.name}
      </button>
      <button type="button" onClick={() => onDone(false)}>
        Keep it
      </button>
    </div>
  );
}

function AddSite({ onSaved }: { onSaved: () => void }) {
  const [form, setForm] = useState({ name: '', location: '' });
  const [result, create] = useMutation('mutation CreateSite($input: CreateSiteInput!) { createSite(input: $input) { id } }');
  const errors = formErrors(result.error, ['name', 'location']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await create({ input: { name: form.name.trim(), ...(form.location.trim() ? { location: form.location.trim() } : {}) } });
    if (!res.error) {
      setForm({ name: '', location: '' });
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-site">
      <h2 id="add-site">Add a site</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="Unique in the company, e.g. Madrid DC1">
        {(p) => <input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
      </Field>
      <Field label="Location" error={errors.fields.location} hint="Optional, e.g. Calle Alcalá 1, Madrid">
        {(p) => <input {...p} value={form.location} onChange={(e) => setForm({ ...form, location: e.target.value })} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Add
      </button>
    </form>
  );
}
