import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { useLiveRefetch } from '../api/live.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DeleteOrPurge } from '../components/delete-or-purge.js';
import { StatusBadge } from '../components/status-badge.js';
import { MonitorsTable } from '../components/monitors-table.js';
import { DataTable } from '../components/table.js';
import { UptimePerDay } from '../components/uptime-per-day.js';
import { when } from '../lib/format.js';
import type { DisplayState } from '../lib/states.js';
import { useCan } from '../session-context.js';

const SERVICE = `query ServicePage($id: ID!) {
  service(id: $id) { id name customerFacingName type port health host { id name }
    customers { id name } customerLinks { id startsAt endsAt weight customer { name } } }
  monitors(first: 200, filter: { serviceId: $id }) { totalCount nodes { id name type enabled state { health since reason } } }
}`;

const SERVICE_TYPES = ['web', 'mail', 'mysql', 'dns', 'other'] as const;

interface ServiceData {
  service: {
    id: string;
    name: string;
    customerFacingName: string | null;
    type: string;
    port: number | null;
    health: DisplayState;
    host: { id: string; name: string };
    customers: { id: string; name: string }[];
    customerLinks: { id: string; startsAt: string; endsAt: string | null; weight: number; customer: { name: string } }[];
  };
  monitors: { totalCount: number; nodes: { id: string; name: string; type: string; enabled: boolean; state: { health: DisplayState; since: string; reason: string } | null }[] };
}

/** One service: the customers it serves (and since when), its monitors and uptime per day; edit, add or remove customers, delete. */
export function ServicePage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<ServiceData>({ query: SERVICE, variables: { id } });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  useLiveRefetch('subscription ServiceLive { monitorStateChanged { monitorId } }', reload, undefined, !data);
  const canEdit = useCan('operator');
  if (fetching && !data) return <Loading what="the service" />;
  if (!data) return <QueryError error={error} />;
  const s = data.service;
  return (
    <Page title={s.name} actions={canEdit ? <DeleteService service={s} monitors={data.monitors.totalCount} /> : undefined}>
      <dl className="facts">
        <dt>Health</dt>
        <dd data-testid="service-health">
          <StatusBadge state={s.health} />
        </dd>
        <dt>Runs on</dt>
        <dd>
          <Link to={`/hosts/${s.host.id}`}>{s.host.name}</Link> · {s.type}
          {s.port !== null && ` · port ${s.port}`}
        </dd>
        <dt>Customers see it as</dt>
        <dd data-testid="service-facing-name">{s.customerFacingName ?? `${s.name} (no customer-facing name: customers see the internal one)`}</dd>
      </dl>
      <Customers service={s} canEdit={canEdit} onChanged={reload} />
      <h2>Monitors</h2>
      <MonitorsTable monitors={data.monitors.nodes} />
      <UptimePerDay subject={{ kind: 'service', id: s.id }} />
      {canEdit && (
        <div className="cards">
          <EditService service={s} onSaved={reload} />
        </div>
      )}
    </Page>
  );
}

/**
 * Who it serves now, with a remove button each, and a search to add one: a shared web host may serve hundreds of a
 * company's 9,000 customers, so there is no list of every customer to tick. Each change ends or starts a link period
 * now; the periods are listed below for the reports' sake.
 */
function Customers({ service, canEdit, onChanged }: { service: ServiceData['service']; canEdit: boolean; onChanged: () => void }) {
  const [search, setSearch] = useState('');
  const [{ data: found }] = useQuery<{ customers: { nodes: { id: string; name: string }[] } }>({
    query: 'query FindCustomers($search: String!) { customers(first: 10, filter: { search: $search }) { nodes { id name } } }',
    variables: { search: search.trim() },
    pause: search.trim().length === 0,
  });
  const [result, update] = useMutation('mutation ServiceCustomers($id: ID!, $ids: [ID!]!) { updateService(id: $id, input: { customerIds: $ids }) { id } }');
  const current = service.customers.map((c) => c.id);
  const save = async (ids: string[]) => {
    const res = await update({ id: service.id, ids });
    if (!res.error) {
      setSearch('');
      onChanged();
    }
  };
  const candidates = (found?.customers.nodes ?? []).filter((c) => !current.includes(c.id));
  return (
    <section aria-labelledby="customers-title">
      <h2 id="customers-title">Customers served now ({service.customers.length})</h2>
      <QueryError error={result.error} />
      {service.customers.length === 0 ? (
        <p className="muted">None: its downtime counts against no customer’s SLA.</p>
      ) : (
        <ul className="chips" aria-label="Customers served now">
          {service.customers.map((c) => (
            <li key={c.id} data-customer={c.name}>
              {c.name}
              {canEdit && (
                <button type="button" aria-label={`Stop serving ${c.name}`} disabled={result.fetching} onClick={() => save(current.filter((x) => x !== c.id))}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <div className="inline-form">
          <Field label="Add a customer" hint="Type part of its name">
            {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
          </Field>
          {candidates.length > 0 && (
            <ul aria-label="Matching customers">
              {candidates.map((c) => (
                <li key={c.id}>
                  <button type="button" disabled={result.fetching} onClick={() => save([...current, c.id])}>
                    Serve {c.name}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {service.customerLinks.length > 0 && (
        <details>
          <summary>Link periods ({service.customerLinks.length}), as the reports count them</summary>
          <DataTable head={['Customer', 'From', 'Until', 'Weight']}>
            {service.customerLinks.map((l) => (
              <tr key={l.id}>
                <td>{l.customer.name}</td>
                <td>{when(l.startsAt)}</td>
                <td>{l.endsAt ? when(l.endsAt) : 'now'}</td>
                <td>{l.weight}</td>
              </tr>
            ))}
          </DataTable>
        </details>
      )}
    </section>
  );
}

function EditService({ service, onSaved }: { service: ServiceData['service']; onSaved: () => void }) {
  const [form, setForm] = useState({ name: service.name, customerFacingName: service.customerFacingName ?? '', type: service.type, port: service.port === null ? '' : String(service.port) });
  const [saved, setSaved] = useState(false);
  const [result, update] = useMutation('mutation UpdateService($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) { id } }');
  const errors = formErrors(result.error, ['name', 'customerFacingName', 'type', 'port']);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm({ ...form, [key]: e.target.value });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name: form.name.trim(),
      customerFacingName: form.customerFacingName.trim() || null,
      type: form.type,
      ...(form.port.trim() ? { port: Number(form.port) } : {}),
    };
    const res = await update({ id: service.id, input });
    if (!res.error) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-service">
      <h2 id="edit-service">Edit the service</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="Internal, e.g. www-mad-a">
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <Field label="Name customers see" error={errors.fields.customerFacingName} hint="On their reports and status pages, e.g. Online shop; empty: the internal name">
        {(p) => <input {...p} value={form.customerFacingName} onChange={set('customerFacingName')} />}
      </Field>
      <Field label="Type" error={errors.fields.type}>
        {(p) => (
          <select {...p} value={form.type} onChange={set('type')}>
            {SERVICE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Port" error={errors.fields.port}>
        {(p) => <input {...p} type="number" min={1} max={65535} value={form.port} onChange={set('port')} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Save
      </button>
      {saved && (
        <span role="status" className="muted">
          {' '}
          Saved.
        </span>
      )}
    </form>
  );
}

/** Delete says what it does before it does it. */
function DeleteService({ service, monitors }: { service: ServiceData['service']; monitors: number }) {
  const customers = service.customers.length;
  return <DeleteOrPurge kind="service" id={service.id} name={service.name} then={`/hosts/${service.host.id}`} consequences={`Delete ${service.name}? It and its ${monitors} monitor${monitors === 1 ? '' : 's'} are hidden at once and never probed again, and it stops serving its ${customers} customer${customers === 1 ? '' : 's'} now. Past reports still count it for the time it existed; a purge removes it for good.`} />;
}
