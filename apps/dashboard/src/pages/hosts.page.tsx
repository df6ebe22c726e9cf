import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
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

function MonitorForm({ hosts, services, onSaved }: { hosts: HostsData['hosts']['nodes']; services: HostsData['services']['nodes']; onSaved: () => void }) {
  const [chosenHost, setHostId] = useState('');
  const hostId = chosenHost || (hosts[0]?.id ?? '');
  const [serviceId, setServiceId] = useState('');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [intervalMs, setIntervalMs] = useState('10000');
  const [timeoutMs, setTimeoutMs] = useState('3000');
  const [result, create] = useMutation('mutation CreateMonitor($input: CreateMonitorInput!) { createMonitor(input: $input) { id name } }');
  const errors = formErrors(result.error, ['hostId', 'serviceId', 'name', 'config.url', 'config', 'intervalMs', 'timeoutMs']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await create({
      input: { hostId, ...(serviceId ? { serviceId } : {}), name: name.trim(), type: 'http', config: { url }, intervalMs: Number(intervalMs), timeoutMs: Number(timeoutMs) },
    });
    if (!res.error) {
      setName('');
      setUrl('');
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-monitor">
      <h2 id="add-monitor">Add an HTTP monitor</h2>
      <FormErrorList errors={errors} />
      <Field label="Host" error={errors.fields.hostId}>
        {(p) => (
          <select
            {...p}
            value={hostId}
            onChange={(e) => {
              setHostId(e.target.value);
              setServiceId('');
            }}
          >
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Service" error={errors.fields.serviceId} hint="The service it checks (its customers' SLA counts it); none for a host-level check">
        {(p) => (
          <select {...p} value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <option value="">none</option>
            {services
              .filter((s) => s.hostId === hostId)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        )}
      </Field>
      <Field label="Name" error={errors.fields.name}>
        {(p) => <input {...p} name="monitor-name" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="URL" error={errors.fields['config.url'] ?? errors.fields.config} hint="e.g. https://www.example.net/health">
        {(p) => <input {...p} name="monitor-url" value={url} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <Field label="Interval (ms)" error={errors.fields.intervalMs}>
        {(p) => <input {...p} name="monitor-interval" inputMode="numeric" value={intervalMs} onChange={(e) => setIntervalMs(e.target.value)} />}
      </Field>
      <Field label="Timeout (ms)" error={errors.fields.timeoutMs}>
        {(p) => <input {...p} name="monitor-timeout" inputMode="numeric" value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching || hosts.length === 0}>
        Add monitor
      </button>
    </form>
  );
}
