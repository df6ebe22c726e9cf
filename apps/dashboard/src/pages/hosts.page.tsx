import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { MonitorForm } from '../components/monitor-form.js';
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
  return (
    <Page title="Hosts">
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="hosts" />
      ) : (
        <DataTable head={['Health', 'Host', 'Addresses', 'Site', 'Tags']}>
              {data?.hosts.nodes.map((h) => (
                <tr key={h.id} data-host={h.name}>
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
  const [result, create] = useMutation('mutation CreateHost($input: CreateHostInput!) { createHost(input: $input) { id name } }');
  const errors = formErrors(result.error, ['name', 'addresses', 'siteId']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const list = addresses.split(/[\s,]+/).filter(Boolean);
    const res = await create({ input: { name: name.trim(), addresses: list, ...(siteId ? { siteId } : {}) } });
    if (!res.error) {
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
    </form>
  );
}
