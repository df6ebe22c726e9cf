import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { MonitorForm } from '../components/monitor-form.js';
import { BulkError } from '../components/bulk-error.js';
import { StatusBadge } from '../components/status-badge.js';
import { DataTable } from '../components/table.js';
import type { DisplayState } from '../lib/states.js';
import { useCan } from '../session-context.js';

const HOSTS = `query Hosts { hosts(first: 200) { nodes { id name kind addresses tags health site { name } } }
  sites(first: 200) { nodes { id name } } services(first: 200) { nodes { id name hostId } } }`;

interface HostsData {
  hosts: { nodes: { id: string; name: string; kind: string; addresses: string[]; tags: string[]; health: DisplayState; site: { name: string } | null }[] };
  sites: { nodes: { id: string; name: string }[] };
  services: { nodes: { id: string; name: string; hostId: string }[] };
}

export function HostsPage() {
  const [{ data, fetching, error }, refetch] = useQuery<HostsData>({ query: HOSTS });
  const canEdit = useCan('operator');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <Page title="Hosts">
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="hosts" />
      ) : (
        <>
          {canEdit && selected.size > 0 && <BulkHosts hosts={(data?.hosts.nodes ?? []).filter((h) => selected.has(h.id))} sites={data?.sites.nodes ?? []} onDone={(cleared) => (cleared && setSelected(new Set()), reload())} />}
          <DataTable head={canEdit ? ['', 'Health', 'Host', 'Addresses', 'Site', 'Tags'] : ['Health', 'Host', 'Addresses', 'Site', 'Tags']}>
            {canEdit && data && data.hosts.nodes.length > 0 && (
              <tr className="select-all">
                <td>
                  <input type="checkbox" aria-label="Select all hosts" checked={selected.size === data.hosts.nodes.length} onChange={(e) => setSelected(e.target.checked ? new Set(data.hosts.nodes.map((h) => h.id)) : new Set())} />
                </td>
                <td colSpan={5} className="muted">
                  {selected.size ? `${selected.size} selected` : 'Select hosts to tag, move or delete them together'}
                </td>
              </tr>
            )}
            {data?.hosts.nodes.map((h) => (
              <tr key={h.id} data-host={h.name}>
                {canEdit && (
                  <td>
                    <input type="checkbox" aria-label={`Select ${h.name}`} checked={selected.has(h.id)} onChange={() => toggle(h.id)} />
                  </td>
                )}
                <td>
                  <StatusBadge state={h.health} />
                </td>
                <td>
                  <Link to={`/hosts/${h.id}`}>{h.name}</Link> <span className="muted">{h.kind}</span>
                </td>
                <td>{h.addresses.join(', ')}</td>
                <td>{h.site?.name ?? '—'}</td>
                <td>{h.tags.join(', ')}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
      {canEdit && data && (
        <div className="cards">
          <HostForm sites={data.sites.nodes} onSaved={reload} />
          <MonitorForm hosts={data.hosts.nodes} services={data.services.nodes} onSaved={reload} />
        </div>
      )}
    </Page>
  );
}

function HostForm({ sites, onSaved }: { sites: HostsData['sites']['nodes']; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [addresses, setAddresses] = useState('');
  const [siteId, setSiteId] = useState('');
  const [result, create] = useMutation<{ createHost: { id: string; name: string } }>('mutation CreateHost($input: CreateHostInput!) { createHost(input: $input) { id name } }');
  const [added, setAdded] = useState<{ id: string; name: string } | null>(null);
  const errors = formErrors(result.error, ['name', 'addresses', 'siteId']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const list = addresses.split(/[\s,]+/).filter(Boolean);
    const res = await create({ input: { name: name.trim(), addresses: list, ...(siteId ? { siteId } : {}) } });
    if (res.data) {
      setAdded(res.data.createHost);
      setName('');
      setAddresses('');
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-host">
      <h2 id="add-host">Add a host</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="RFC 1123 host name, e.g. web1 or web1.example.net">
        {(p) => <input {...p} name="host-name" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Addresses" error={errors.fields.addresses} hint="IPv4 or IPv6, separated by spaces; probes use the first">
        {(p) => <input {...p} name="host-addresses" value={addresses} onChange={(e) => setAddresses(e.target.value)} />}
      </Field>
      <Field label="Site" error={errors.fields.siteId}>
        {(p) => (
          <select {...p} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            <option value="">none</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Add host
      </button>
      {added && !result.error && (
        <span role="status" className="muted">
          {' '}
          Added <Link to={`/hosts/${added.id}`}>{added.name}</Link>: give it a monitor to watch it.
        </span>
      )}
    </form>
  );
}

/**
 * What an operator does to several hosts at once: tag, untag, move to a site, delete. Each is one API call that changes
 * all of them or none (the first host at fault named); delete says first what goes with them.
 */
function BulkHosts({ hosts, sites, onDone }: { hosts: HostsData['hosts']['nodes']; sites: HostsData['sites']['nodes']; onDone: (cleared: boolean) => void }) {
  const [tag, setTag] = useState('');
  // Nothing chosen at first: Move is not a way to take hosts out of their sites by accident.
  const [siteId, setSiteId] = useState('');
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState('');
  const [updated, update] = useMutation<{ updateHosts: number }>('mutation BulkHosts($ids: [ID!]!, $input: BulkHostChangeInput!) { updateHosts(ids: $ids, input: $input) }');
  const [removed, remove] = useMutation<{ deleteHosts: number }>('mutation DeleteHosts($ids: [ID!]!) { deleteHosts(ids: $ids) }');
  const ids = hosts.map((h) => h.id);
  const names = hosts.map((h) => h.name).join(', ');
  const count = `${hosts.length} host${hosts.length === 1 ? '' : 's'}`;
  const change = async (input: Record<string, unknown>, said: string) => {
    const res = await update({ ids, input });
    if (!res.error) {
      setDone(said);
      onDone(false);
    }
  };
  return (
    <div role="toolbar" aria-label="With the selected hosts" className="bulk-bar">
      <strong>{count} selected</strong>
      <label>
        Tag <input value={tag} onChange={(e) => setTag(e.target.value)} aria-label="Tag" />
      </label>
      <button type="button" disabled={!tag.trim() || updated.fetching} onClick={() => change({ addTags: [tag.trim()] }, `Tag ${tag.trim()} added to ${count}.`)}>
        Add tag
      </button>
      <button type="button" disabled={!tag.trim() || updated.fetching} onClick={() => change({ removeTags: [tag.trim()] }, `Tag ${tag.trim()} removed from ${count}.`)}>
        Remove tag
      </button>
      <label>
        Site{' '}
        <select aria-label="Site for the selected hosts" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
          <option value="" disabled>
            choose…
          </option>
          <option value="none">no site</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={updated.fetching || !siteId} onClick={() => change({ siteId: siteId === 'none' ? null : siteId }, `${count} moved to ${sites.find((s) => s.id === siteId)?.name ?? 'no site'}.`)}>
        Move
      </button>
      {!asking ? (
        <button type="button" className="danger" onClick={() => setAsking(true)}>
          Delete…
        </button>
      ) : (
        <span role="alertdialog" aria-label={`Delete ${count}?`} className="confirm">
          <span data-testid="bulk-delete-consequences">
            Delete {names}? They and their services and monitors are hidden at once and never probed again. Past reports still count them for the time they
            existed; a purge removes them for good.
          </span>
          <button
            type="button"
            className="danger"
            disabled={removed.fetching}
            onClick={() =>
              remove({ ids }).then((r) => {
                setAsking(false);
                if (!r.error) {
                  setDone(`${count} deleted.`);
                  onDone(true);
                }
              })
            }
          >
            Delete {count}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Keep them
          </button>
        </span>
      )}
      {done && (
        <span role="status" className="muted">
          {done}
        </span>
      )}
      {(updated.error ?? removed.error) && <BulkError error={(updated.error ?? removed.error)!} names={hosts.map((h) => h.name)} />}
    </div>
  );
}
