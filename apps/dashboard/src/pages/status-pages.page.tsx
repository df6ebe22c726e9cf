import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { MaintenanceNoticesPanel } from './status-maintenance-notices.js';
import { timeZoneNames } from '../lib/zoned-time.js';
import { useCan } from '../session-context.js';
import { StatusPostsPanel } from './status-posts.js';
import { StatusSubscribersPanel } from './status-subscribers.js';

export type ComponentKind = 'service' | 'host' | 'monitor';

export interface StatusComponentView {
  id: string;
  kind: ComponentKind;
  subjectId: string;
  displayName: string;
  groupName: string | null;
}

export interface StatusPageView {
  id: string;
  slug: string;
  title: string;
  visibility: 'public' | 'password' | 'link' | 'customer';
  customerId: string | null;
  customDomain: string | null;
  language: string;
  timeZone: string;
  days: number;
  accentColor: string;
  embedOrigins: string[];
  path: string;
  components: StatusComponentView[];
  posts: { id: string }[];
}

interface Subject {
  id: string;
  /** What the page shows unless the component is given a name (the server's default). */
  name: string;
  /** How lists tell it apart, when the name does not ("web-1 / http"). */
  label?: string;
}

/** A service or monitor as listed: its name is unique on its host only ("http" on every web server). */
interface OnHost extends Subject {
  host: { name: string };
}

interface PagesData {
  statusPages: StatusPageView[];
  services: { nodes: OnHost[] };
  hosts: { nodes: Subject[] };
  monitors: { nodes: OnHost[] };
}

/** Labelled "web-1 / http": two hosts' monitors (or services) of one name told apart in a list. */
const onHost = (s: OnHost): Subject => ({ id: s.id, name: s.name, label: `${s.host.name} / ${s.name}` });

// The subjects a component may show: the tenant's first 200 of each kind, as the other pages' pickers read them.
const PAGES = `query StatusPages {
  statusPages { id slug title visibility customerId customDomain language timeZone days accentColor embedOrigins path
    components { id kind subjectId displayName groupName } posts { id } }
  services(first: 200) { nodes { id name host { name } } }
  hosts(first: 200) { nodes { id name } }
  monitors(first: 200) { nodes { id name host { name } } }
}`;

const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['es', 'Spanish'],
  ['pt', 'Portuguese'],
  ['de', 'German'],
  ['fr', 'French'],
];

/** Who can open a page, in words. */
export function audience(page: Pick<StatusPageView, 'visibility' | 'customerId'>): string {
  if (page.customerId) return page.visibility === 'customer' ? 'customer sign-in (a customer’s page)' : 'link only (a customer’s page)';
  if (page.visibility === 'link') return 'link only';
  if (page.visibility === 'password') return 'password';
  return 'public';
}

/**
 * Status pages (issue 17): the tenant's public and per-customer pages with their address and components; admins make,
 * edit and delete them; below, the chosen page's incident posts and subscribers.
 */
export function StatusPagesPage() {
  const [{ data, fetching, error }, refetch] = useQuery<PagesData>({ query: PAGES });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const canEdit = useCan('admin');
  const canLink = useCan('operator');
  const [editing, setEditing] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  // Said outside the form: an edit that changed the components remounts it with the stored list.
  const [notice, setNotice] = useState('');
  if (fetching && !data) return <Loading what="the status pages" />;
  if (!data) return <QueryError error={error} />;
  const pages = data.statusPages;
  const edited = pages.find((p) => p.id === editing);
  const opened = pages.find((p) => p.id === open);
  return (
    <Page title="Status pages">
      <QueryError error={error} />
      {pages.length === 0 ? (
        <p className="muted">None yet.{canEdit ? ' Make one with the form below.' : ''}</p>
      ) : (
        <DataTable head={['Title', 'Who can see it', 'Address', 'Components', 'Posts', '']}>
          {pages.map((p) => (
            <tr key={p.id} data-status-page={p.slug}>
              <td>{p.title}</td>
              <td>{audience(p)}</td>
              <td>
                {/* Served by the API on this same origin; a new tab keeps the dashboard where it was. */}
                <a href={p.path} target="_blank" rel="noopener noreferrer">
                  {p.path}
                </a>
                {p.customDomain && <div className="muted">also https://{p.customDomain}/</div>}
              </td>
              <td data-testid="page-components">{p.components.length ? p.components.map((c) => (c.groupName ? `${c.groupName}: ${c.displayName}` : c.displayName)).join(', ') : <span className="muted">none</span>}</td>
              <td>{p.posts.length}</td>
              <td className="row-actions">
                <button type="button" aria-label={`Posts${canEdit ? ' and subscribers' : ''} of ${p.title}`} aria-pressed={open === p.id} onClick={() => (setOpen(open === p.id ? undefined : p.id), setNotice(''))}>
                  Posts{canEdit ? ' and subscribers' : ''}
                </button>
                {canLink && p.visibility === 'link' && <SignedLink page={p} />}
                {canEdit && (
                  <button type="button" aria-label={`Edit ${p.title}`} onClick={() => (setEditing(p.id), setNotice(''))}>
                    Edit
                  </button>
                )}
                {canEdit && deleting !== p.id && (
                  <button type="button" className="danger" aria-label={`Delete ${p.title}`} onClick={() => setDeleting(p.id)}>
                    Delete…
                  </button>
                )}
                {canEdit && deleting === p.id && (
                  <DeletePage
                    page={p}
                    onKeep={() => setDeleting(undefined)}
                    onDeleted={() => {
                      setDeleting(undefined);
                      if (open === p.id) setOpen(undefined);
                      if (editing === p.id) setEditing(undefined);
                      reload();
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {canLink && <MaintenanceNoticesPanel />}
      {canEdit && <GenerateCustomerPages before={pages.filter((p) => p.customerId).length} onDone={(text) => (setNotice(text), reload())} />}
      {opened && (
        <>
          <StatusPostsPanel key={`posts-${opened.id}`} page={opened} onChanged={reload} />
          {canEdit && <StatusSubscribersPanel key={`subs-${opened.id}`} page={opened} />}
        </>
      )}
      {notice && (
        <p role="status" className="banner banner-ok" data-testid="status-pages-notice">
          {notice}
        </p>
      )}
      {canEdit && (
        <div className="cards">
          {edited ? (
            <PageForm
              key={`${edited.id}:${edited.components.map((c) => c.id).join()}`}
              data={data}
              page={edited}
              onSaved={(what) => (setNotice(`Saved ${what}.`), reload())}
              onClose={() => (setEditing(undefined), setNotice(''))}
            />
          ) : (
            <PageForm data={data} onSaved={(what) => (setNotice(`Created ${what}.`), reload())} />
          )}
        </div>
      )}
    </Page>
  );
}

/**
 * One link-only page for every customer that has none yet (the API's generateCustomerStatusPages): each shows the
 * services that customer is served by, under their customer-facing names, and nothing of any other customer.
 */
function GenerateCustomerPages({ before, onDone }: { before: number; onDone: (text: string) => void }) {
  const [result, generate] = useMutation<{ generateCustomerStatusPages: { id: string }[] }>('mutation GenerateCustomerStatusPages { generateCustomerStatusPages { id } }');
  const run = async () => {
    const res = await generate({});
    if (!res.data) return;
    const all = res.data.generateCustomerStatusPages.length;
    onDone(`${all} per-customer page${all === 1 ? '' : 's'}: ${all - before} new.`);
  };
  return (
    <p>
      <button type="button" disabled={result.fetching} onClick={run}>
        Generate customer pages
      </button>{' '}
      <span className="muted">A link-only page for each customer that has none, showing only the services it is served by.</span>
      <QueryError error={result.error} />
    </p>
  );
}

/**
 * A link-only page is opened with a signed link that expires (90 days here); made on request, shown whole so it can be
 * copied into a mail to the customer. Changing the page's visibility voids every link made before.
 */
function SignedLink({ page }: { page: StatusPageView }) {
  const [result, make] = useMutation<{ statusPageLink: string }>('mutation StatusPageLink($id: ID!) { statusPageLink(id: $id, expiresInDays: 90) }');
  const link = result.data ? new URL(result.data.statusPageLink, window.location.href).toString() : undefined;
  return (
    <>
      <button type="button" aria-label={`Signed link to ${page.title}`} disabled={result.fetching} onClick={() => make({ id: page.id })}>
        Signed link
      </button>
      {link && (
        <span className="confirm">
          <input aria-label={`Signed link to ${page.title}, valid 90 days`} readOnly value={link} onFocus={(e) => e.target.select()} size={40} />
          <a href={link} target="_blank" rel="noopener noreferrer">
            Open
          </a>
        </span>
      )}
      <QueryError error={result.error} />
    </>
  );
}

/**
 * Says what goes before it goes: the page, its components, its posts with their updates and its subscribers with
 * whatever is still queued for them (the tables cascade from the page); the services, hosts and monitors stay.
 */
function DeletePage({ page, onKeep, onDeleted }: { page: StatusPageView; onKeep: () => void; onDeleted: () => void }) {
  const [{ data }] = useQuery<{ statusSubscribers: { totalCount: number } }>({
    query: 'query SubscriberCount($id: ID!) { statusSubscribers(pageId: $id, first: 1) { totalCount } }',
    variables: { id: page.id },
    requestPolicy: 'network-only',
  });
  const [result, remove] = useMutation('mutation DeleteStatusPage($id: ID!) { deleteStatusPage(id: $id) }');
  const posts = page.posts.length;
  const subscribers = data?.statusSubscribers.totalCount;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    <span role="alertdialog" aria-label={`Delete ${page.title}?`} className="confirm">
      <p data-testid="delete-page-consequences">
        Delete {page.title}? Its address {page.path} stops answering at once. Deleted with it for good: {plural(page.components.length, 'component')}, {plural(posts, 'incident post')}{' '}
        with their updates, and {subscribers === undefined ? 'all its subscribers' : plural(subscribers, 'subscriber')} (e-mail addresses and webhooks, with
        anything not yet sent to them; they are not told). Its services, hosts and monitors are not touched.
      </p>
      <QueryError error={result.error} />
      <button type="button" className="danger" disabled={result.fetching} onClick={() => remove({ id: page.id }).then((r) => !r.error && onDeleted())}>
        Delete {page.title}
      </button>
      <button type="button" onClick={onKeep}>
        Keep it
      </button>
    </span>
  );
}

interface ComponentRow {
  kind: ComponentKind;
  subjectId: string;
  displayName: string;
  groupName: string;
}

const KINDS: [ComponentKind, string][] = [
  ['service', 'Services'],
  ['host', 'Hosts'],
  ['monitor', 'Monitors'],
];

const PAGE_FIELDS = ['title', 'slug', 'visibility', 'password', 'customDomain', 'language', 'timeZone', 'days', 'accentColor', 'embedOrigins', 'components'];

/**
 * A page's settings and components. The API checks every field before writing anything, so a refused save leaves the
 * page as it was; each refusal is shown at its field (a component's at its row).
 */
function PageForm({ data, page, onSaved, onClose }: { data: PagesData; page?: StatusPageView; onSaved: (title: string) => void; onClose?: () => void }) {
  const editing = !!page;
  const initialRows: ComponentRow[] = (page?.components ?? []).map((c) => ({ kind: c.kind, subjectId: c.subjectId, displayName: c.displayName, groupName: c.groupName ?? '' }));
  const [form, setForm] = useState({
    title: page?.title ?? '',
    slug: page?.slug ?? '',
    visibility: page?.visibility ?? 'public',
    password: '',
    customDomain: page?.customDomain ?? '',
    language: page?.language ?? '',
    timeZone: page?.timeZone ?? '',
    days: String(page?.days ?? 90),
    accentColor: page?.accentColor ?? '#1f6feb',
    embedOrigins: (page?.embedOrigins ?? []).join(' '),
  });
  const [rows, setRows] = useState<ComponentRow[]>(initialRows);
  const [adding, setAdding] = useState('');
  const [created, create] = useMutation('mutation CreateStatusPage($input: StatusPageInput!) { createStatusPage(input: $input) { id } }');
  const [updated, update] = useMutation('mutation UpdateStatusPage($id: ID!, $input: StatusPageInput!) { updateStatusPage(id: $id, input: $input) { id } }');
  const result = editing ? updated : created;
  const errors = formErrors(result.error, [...PAGE_FIELDS, ...rows.map((_r, i) => `components.${i}`)]);
  const forCustomer = !!page?.customerId;
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [key]: e.target.value });
  };
  const subjects: Record<ComponentKind, Subject[]> = { service: data.services.nodes.map(onHost), host: data.hosts.nodes, monitor: data.monitors.nodes.map(onHost) };
  const subjectOf = (row: ComponentRow) => subjects[row.kind].find((s) => s.id === row.subjectId);
  const nameOf = (row: ComponentRow) => {
    const subject = subjectOf(row);
    return subject ? subject.label ?? subject.name : `${row.kind} ${row.subjectId.slice(0, 8)}`;
  };
  const changeRow = (i: number, patch: Partial<ComponentRow>) => {
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const move = (i: number, by: number) => {
    const next = [...rows];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    setRows(next);
  };
  const add = () => {
    const [kind, subjectId] = adding.split(':') as [ComponentKind, string];
    if (!subjectId) return;
    setRows([...rows, { kind, subjectId, displayName: '', groupName: '' }]);
    setAdding('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const components = rows.map((r) => ({ kind: r.kind, subjectId: r.subjectId, displayName: r.displayName.trim() || null, groupName: r.groupName.trim() || null }));
    const input = {
      title: form.title,
      slug: form.slug.trim(),
      visibility: form.visibility,
      // Write-only: left empty, the stored password stays.
      ...(form.visibility === 'password' && form.password ? { password: form.password } : {}),
      customDomain: form.customDomain.trim() || null,
      // Empty on a new page: the company's language and zone.
      ...(form.language ? { language: form.language } : {}),
      ...(form.timeZone ? { timeZone: form.timeZone } : {}),
      days: Number(form.days),
      accentColor: form.accentColor,
      embedOrigins: form.embedOrigins.split(/[\s,]+/).filter(Boolean),
      // The API replaces the component list when given (a kept component keeps its id): sent only when changed.
      ...(!forCustomer && (!editing || JSON.stringify(rows) !== JSON.stringify(initialRows)) ? { components } : {}),
    };
    const res = editing ? await update({ id: page.id, input }) : await create({ input });
    if (res.error) return;
    if (!editing) {
      setForm({ ...form, title: '', slug: '', password: '', customDomain: '', embedOrigins: '' });
      setRows([]);
    }
    onSaved(form.title.trim());
  };
  const title = editing ? `Edit ${page.title}` : 'New status page';
  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <FormErrorList errors={errors} />
      <Field label="Title" error={errors.fields.title}>
        {(p) => <input {...p} value={form.title} onChange={set('title')} />}
      </Field>
      <Field label="Slug" error={errors.fields.slug} hint="Its address: /status/<company>/<slug>; lower-case letters, digits and dashes">
        {(p) => <input {...p} value={form.slug} onChange={set('slug')} />}
      </Field>
      <Field label="Who can see it" error={errors.fields.visibility} hint={editing ? 'Changing it ends every earlier link and password sign-in' : undefined}>
        {(p) => (
          <select {...p} value={form.visibility} onChange={set('visibility')}>
            <option value="public">anyone (public)</option>
            <option value="link">only with a signed link</option>
            <option value="password">only with a password</option>
            {forCustomer && <option value="customer">the customer signs in by e-mail</option>}
          </select>
        )}
      </Field>
      {form.visibility === 'password' && (
        <Field label="Password" error={errors.fields.password} hint={editing && page.visibility === 'password' ? 'Write-only: empty keeps the current one' : 'At least 10 characters'}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
        </Field>
      )}
      <Field label="Custom domain" error={errors.fields.customDomain} hint="Optional: a host name such as status.example.com, pointed at Vigia's proxy">
        {(p) => <input {...p} value={form.customDomain} onChange={set('customDomain')} />}
      </Field>
      <Field label="Language" error={errors.fields.language}>
        {(p) => (
          <select {...p} value={form.language} onChange={set('language')}>
            {!editing && <option value="">the company's</option>}
            {LANGUAGES.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Time zone" error={errors.fields.timeZone} hint="The days of the uptime bars are counted in it">
        {(p) => (
          <select {...p} value={form.timeZone} onChange={set('timeZone')}>
            {!editing && <option value="">the company's</option>}
            {timeZoneNames(page?.timeZone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Days of uptime bars" error={errors.fields.days} hint="7 to 365">
        {(p) => <input {...p} type="number" min={7} max={365} value={form.days} onChange={set('days')} />}
      </Field>
      <Field label="Accent colour" error={errors.fields.accentColor}>
        {(p) => <input {...p} type="color" value={form.accentColor} onChange={set('accentColor')} />}
      </Field>
      <Field label="Sites that may show it in a frame" error={errors.fields.embedOrigins} hint="origins such as https://www.example-hosting.com, separated by spaces; empty: no site may (public pages only)">
        {(p) => <input {...p} value={form.embedOrigins} onChange={set('embedOrigins')} placeholder="https://www.example-hosting.com" />}
      </Field>
      <fieldset className="field">
        <legend>Components</legend>
        {forCustomer ? (
          <p className="muted">A customer's page shows the services that customer is served by now; they are not chosen by hand.</p>
        ) : (
          <>
            {errors.fields.components && (
              <small className="error" role="alert">
                {errors.fields.components}
              </small>
            )}
            {rows.length === 0 && <p className="muted">None yet: the page shows no status until one is added.</p>}
            <ol className="component-rows">
              {rows.map((r, i) => {
                const error = errors.fields[`components.${i}`];
                const name = nameOf(r);
                const shown = subjectOf(r)?.name ?? name;
                return (
                  <li key={`${r.kind}:${r.subjectId}`} data-component={name} className={error ? 'field-invalid' : undefined}>
                    <span>
                      {name} <span className="muted">({r.kind})</span>
                    </span>{' '}
                    <input aria-label={`Shown as (${name})`} placeholder={shown} value={r.displayName} onChange={(e) => changeRow(i, { displayName: e.target.value })} />{' '}
                    <input aria-label={`Group (${name})`} placeholder="no group" value={r.groupName} onChange={(e) => changeRow(i, { groupName: e.target.value })} />{' '}
                    <button type="button" aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </button>
                    <button type="button" aria-label={`Move ${name} down`} disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </button>
                    <button type="button" aria-label={`Remove ${name}`} onClick={() => setRows(rows.filter((_x, j) => j !== i))}>
                      Remove
                    </button>
                    {error && (
                      <small className="error" role="alert">
                        {error}
                      </small>
                    )}
                  </li>
                );
              })}
            </ol>
            <Field label="Add a component">
              {(p) => (
                <select {...p} value={adding} onChange={(e) => setAdding(e.target.value)}>
                  <option value="">choose a service, host or monitor</option>
                  {KINDS.map(([kind, label]) => (
                    <optgroup key={kind} label={label}>
                      {subjects[kind]
                        .filter((s) => !rows.some((r) => r.kind === kind && r.subjectId === s.id))
                        .map((s) => (
                          <option key={s.id} value={`${kind}:${s.id}`}>
                            {s.label ?? s.name}
                          </option>
                        ))}
                    </optgroup>
                  ))}
                </select>
              )}
            </Field>
            <button type="button" disabled={!adding} onClick={add}>
              Add
            </button>
          </>
        )}
      </fieldset>
      <button type="submit" className="primary" disabled={result.fetching}>
        {editing ? 'Save' : 'Create the page'}
      </button>
      {onClose && (
        <button type="button" onClick={onClose}>
          Close
        </button>
      )}
    </form>
  );
}
