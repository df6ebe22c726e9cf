import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { useCan } from '../session-context.js';

/** A page of customers; a company has thousands, so the list is the API's pages and its search, never all of them. */
const CUSTOMERS = `query Customers($search: String, $after: String) {
  customers(first: 50, after: $after, filter: { search: $search }) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name slaTarget { targetPercent } serviceLinks { startsAt endsAt service { id name } } }
  }
}`;

export interface ServiceLink {
  startsAt: string;
  endsAt: string | null;
  service: { id: string; name: string };
}

interface CustomersData {
  customers: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; name: string; slaTarget: { targetPercent: number } | null; serviceLinks: ServiceLink[] }[];
  };
}

/** The services serving a customer now: link periods that have started and not ended (serviceLinks keeps them all). */
export function servingNow<L extends ServiceLink>(links: L[], now = Date.now()): L[] {
  const running = links.filter((l) => new Date(l.startsAt).getTime() <= now && (l.endsAt === null || new Date(l.endsAt).getTime() > now));
  // One service may have had several periods; each is named once.
  return running.filter((l, i) => running.findIndex((x) => x.service.id === l.service.id) === i);
}

/** What the search box asks for: the typed text, once typing pauses (a request per keystroke over 9,000 rows is waste). */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Customers: a searchable, paged list with the services serving each now and its SLA target; add one. */
export function CustomersPage() {
  const [search, setSearch] = useState('');
  const settled = useSettled(search.trim());
  // Cursors of the pages before this one, so "Previous" goes back without the API paging backwards.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => setCursors([null]), [settled]);
  const after = cursors.at(-1) ?? null;
  const [{ data, fetching, error }, refetch] = useQuery<CustomersData>({ query: CUSTOMERS, variables: { search: settled || null, after } });
  const canEdit = useCan('operator');
  const page = data?.customers;
  return (
    <Page title="Customers">
      <div className="toolbar" role="search">
        <label>
          Search
          <input type="search" aria-label="Search customers" placeholder="part of a name" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        {page && (
          <span className="muted" role="status" data-testid="customer-count">
            {page.totalCount} customer{page.totalCount === 1 ? '' : 's'}
            {settled ? ` matching “${settled}”` : ''}
            {page.totalCount > page.nodes.length && ` · ${(cursors.length - 1) * 50 + 1}–${(cursors.length - 1) * 50 + page.nodes.length} shown`}
          </span>
        )}
      </div>
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="customers" />
      ) : (
        page && (
          <>
            <DataTable head={['Customer', 'Served now by', 'SLA target']}>
              {page.nodes.map((c) => {
                const services = servingNow(c.serviceLinks);
                return (
                  <tr key={c.id} data-customer={c.name}>
                    <td>
                      <Link to={`/customers/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>
                      {services.length === 0 ? (
                        <span className="muted">no service</span>
                      ) : (
                        services.map((l, i) => (
                          <span key={l.service.id}>
                            {i > 0 && ', '}
                            <Link to={`/services/${l.service.id}`}>{l.service.name}</Link>
                          </span>
                        ))
                      )}
                    </td>
                    <td>{c.slaTarget ? `${c.slaTarget.targetPercent} %` : <span className="muted">none</span>}</td>
                  </tr>
                );
              })}
            </DataTable>
            {page.nodes.length === 0 && <p>{settled ? `No customer’s name contains “${settled}”.` : 'No customers yet.'}</p>}
            <div className="toolbar">
              {cursors.length > 1 && (
                <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
                  Previous page
                </button>
              )}
              {page.pageInfo.hasNextPage && (
                <button type="button" onClick={() => setCursors((c) => [...c, page.pageInfo.endCursor])}>
                  Next page
                </button>
              )}
            </div>
          </>
        )
      )}
      {canEdit && (
        <div className="cards">
          <AddCustomer onSaved={() => refetch({ requestPolicy: 'network-only' })} />
        </div>
      )}
    </Page>
  );
}

function AddCustomer({ onSaved }: { onSaved: () => void }) {
  const [form, setForm] = useState({ name: '', email: '', externalRef: '' });
  const [added, setAdded] = useState<{ id: string; name: string } | null>(null);
  const [result, create] = useMutation<{ createCustomer: { id: string; name: string } }>('mutation CreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { id name } }');
  const errors = formErrors(result.error, ['name', 'email', 'externalRef']);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    // Empty optional fields are left out rather than stored as empty text.
    const input = { name: form.name.trim(), ...(form.email.trim() ? { email: form.email.trim() } : {}), ...(form.externalRef.trim() ? { externalRef: form.externalRef.trim() } : {}) };
    const res = await create({ input });
    if (res.data) {
      setAdded(res.data.createCustomer);
      setForm({ name: '', email: '', externalRef: '' });
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-customer">
      <h2 id="add-customer">Add a customer</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="As on its reports, unique in the company, e.g. Bakery Ruiz">
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <Field label="E-mail" error={errors.fields.email} hint="Optional: where its monthly report goes">
        {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} />}
      </Field>
      <Field label="Your reference" error={errors.fields.externalRef} hint="Optional, e.g. its billing id">
        {(p) => <input {...p} value={form.externalRef} onChange={set('externalRef')} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Add
      </button>
      {added && (
        <span role="status" className="muted">
          {' '}
          Added <Link to={`/customers/${added.id}`}>{added.name}</Link>.
        </span>
      )}
    </form>
  );
}
