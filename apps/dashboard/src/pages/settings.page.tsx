import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { when } from '../lib/format.js';
import { wallClockToInstant } from '../lib/zoned-time.js';
import { useCan } from '../session-context.js';
import { ChannelsPanel } from './channels-settings.js';
import { CompanyPanel } from './company-settings.js';
import { MailSettingsPanel } from './mail-settings.js';
import { EscalationSettings } from './escalation-settings.js';

const TABS = ['Maintenance', 'Alert channels', 'Escalation', 'E-mail', 'Users', 'API tokens', 'Company'] as const;
type Tab = (typeof TABS)[number];
const tabId = (t: Tab) => `tab-${t.replace(/\s+/g, '-').toLowerCase()}`;

export function SettingsPage() {
  const [tab, setTab] = useState<Tab>('Maintenance');
  // The ARIA tabs pattern: arrow keys move between tabs (Home/End to the ends), Tab moves on into the panel.
  const onArrow = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = TABS.indexOf(tab);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const chosen = TABS[(next + TABS.length) % TABS.length]!;
    setTab(chosen);
    document.getElementById(tabId(chosen))?.focus();
  };
  return (
    <Page title="Settings">
      <div role="tablist" aria-label="Settings" className="tabs" onKeyDown={onArrow}>
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" id={tabId(t)} aria-selected={tab === t} tabIndex={tab === t ? 0 : -1} aria-controls="settings-panel" onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      <div id="settings-panel" role="tabpanel" aria-labelledby={tabId(tab)}>
        {tab === 'Maintenance' && <Maintenance />}
        {tab === 'Alert channels' && <ChannelsPanel />}
        {tab === 'Escalation' && <EscalationSettings />}
        {tab === 'E-mail' && <MailSettingsPanel />}
        {tab === 'Company' && <CompanyPanel />}
        {tab === 'Users' && <Users />}
        {tab === 'API tokens' && <Tokens />}
      </div>
    </Page>
  );
}

/**
 * A `datetime-local` value read as a wall-clock time in `zone` (the window's zone, typed by the operator). A zone this
 * browser cannot read is sent with the times read in the browser's zone, as before: the API refuses the window's
 * `timeZone` itself, naming the field.
 */
function inZone(datetime: string, zone: string): Promise<string> {
  return wallClockToInstant(datetime, zone).catch(() => new Date(datetime).toISOString());
}

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const REPEATS = {
  once: { label: 'Once', rule: null },
  daily: { label: 'Every day', rule: 'FREQ=DAILY' },
  weekdays: { label: 'Every weekday (Mon–Fri)', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
  weekly: { label: 'Every week, on the start’s weekday', rule: 'FREQ=WEEKLY' },
  monthly: { label: 'Every month, on the start’s day', rule: 'FREQ=MONTHLY' },
  custom: { label: 'Custom rule (RRULE)', rule: null },
} as const;
type Repeat = keyof typeof REPEATS;

interface MaintenanceWindowRow {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  hostIds: string[];
  serviceIds: string[];
  monitorIds: string[];
  recurrence: string | null;
  timeZone: string | null;
  recursUntil: string | null;
}

/** An instant as a `datetime-local` value in `zone` (the window's), for editing it where it was written. */
function wallClock(iso: string, zone: string): string {
  let known = zone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    // A zone this browser cannot read: the window's times in the browser's own, as the form's fallback does.
    known = BROWSER_ZONE;
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: known, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function Maintenance() {
  const [{ data, error }, refetch] = useQuery<{
    maintenanceWindows: { nodes: MaintenanceWindowRow[] };
    hosts: { nodes: { id: string; name: string }[] };
  }>({
    query: 'query Maint { maintenanceWindows(first: 200) { nodes { id name startsAt endsAt hostIds serviceIds monitorIds recurrence timeZone recursUntil } } hosts(first: 200) { nodes { id name } } }',
  });
  const [repeat, setRepeat] = useState<Repeat>('once');
  const [customRule, setCustomRule] = useState('');
  const [zone, setZone] = useState(BROWSER_ZONE);
  const canEdit = useCan('operator');
  const [name, setName] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [hostIds, setHostIds] = useState<string[]>([]);
  const [created, create] = useMutation('mutation M($input: MaintenanceWindowInput!) { createMaintenanceWindow(input: $input) { id } }');
  const [updated, update] = useMutation('mutation MU($id: ID!, $input: MaintenanceWindowInput!) { updateMaintenanceWindow(id: $id, input: $input) { id } }');
  const [removed, remove] = useMutation('mutation D($id: ID!) { deleteMaintenanceWindow(id: $id) }');
  // The window being edited (its services and monitors, which this form does not show, are sent back unchanged).
  const [editing, setEditing] = useState<MaintenanceWindowRow | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();
  const result = editing ? updated : created;
  const errors = formErrors(result.error, ['name', 'startsAt', 'endsAt', 'hostIds', 'recurrence', 'timeZone']);
  const edit = (w: MaintenanceWindowRow) => {
    const windowZone = w.timeZone ?? zone;
    const rule = Object.entries(REPEATS).find(([, r]) => r.rule === w.recurrence)?.[0] as Repeat | undefined;
    setEditing(w);
    setName(w.name);
    setZone(windowZone);
    setStartsAt(wallClock(w.startsAt, windowZone));
    setEndsAt(wallClock(w.endsAt, windowZone));
    setRepeat(w.recurrence ? (rule ?? 'custom') : 'once');
    setCustomRule(w.recurrence ?? '');
    setHostIds(w.hostIds);
  };
  const names = new Map(data?.hosts.nodes.map((h) => [h.id, h.name]));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const recurrence = repeat === 'custom' ? customRule : REPEATS[repeat].rule;
    const input = { name, startsAt: await inZone(startsAt, zone), endsAt: await inZone(endsAt, zone), hostIds, recurrence, timeZone: zone };
    const res = editing ? await update({ id: editing.id, input: { ...input, serviceIds: editing.serviceIds, monitorIds: editing.monitorIds } }) : await create({ input });
    if (!res.error) {
      setName('');
      setEditing(undefined);
      refetch({ requestPolicy: 'network-only' });
    }
  };
  return (
    <>
      <QueryError error={error} />
      <p className="muted">During a window the covered monitors raise no alerts and start no runbooks, and the time does not count against SLAs.</p>
      <DataTable head={['Name', 'From', 'Until', 'Repeats', 'Hosts', '']}>
        {data?.maintenanceWindows.nodes.map((w) => (
          <tr key={w.id} data-window={w.name}>
            <td>{w.name}</td>
            <td>{when(w.startsAt)}</td>
            <td>{when(w.endsAt)}</td>
            <td>{w.recurrence ? `${w.recurrence} in ${w.timeZone}${w.recursUntil ? `, until ${when(w.recursUntil)}` : ''}` : 'once'}</td>
            <td>{w.hostIds.map((h) => names.get(h) ?? h).join(', ')}</td>
            <td className="row-actions">
              {canEdit && (
                <button type="button" aria-label={`Edit ${w.name}`} onClick={() => edit(w)}>
                  Edit
                </button>
              )}
              {canEdit && deleting !== w.id && (
                <button type="button" className="danger" aria-label={`Delete ${w.name}`} onClick={() => setDeleting(w.id)}>
                  Delete…
                </button>
              )}
              {canEdit && deleting === w.id && (
                <span role="alertdialog" aria-label={`Delete ${w.name}?`} className="confirm">
                  <span>From now on its hosts are out of maintenance: their outages alert and start runbooks again{w.recurrence ? ', and no later occurrence comes' : ''}.</span>
                  <button type="button" className="danger" onClick={() => remove({ id: w.id }).then(() => (setDeleting(undefined), refetch({ requestPolicy: 'network-only' })))}>
                    Delete {w.name}
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
      {canEdit && (
        <form className="card" onSubmit={submit} aria-label={editing ? `Edit ${editing.name}` : 'New maintenance window'}>
          <h2>{editing ? `Edit ${editing.name}` : 'New maintenance window'}</h2>
          <QueryError error={removed.error} />
          <FormErrorList errors={errors} />
          <div className="grid-form">
            <Field label="Name" error={errors.fields.name}>
              {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
            </Field>
            <Field label="From" error={errors.fields.startsAt}>
              {(p) => <input {...p} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />}
            </Field>
            <Field label="Until" error={errors.fields.endsAt}>
              {(p) => <input {...p} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />}
            </Field>
            <Field label="Repeats" error={errors.fields.recurrence}>
              {(p) => (
                <select {...p} value={repeat} onChange={(e) => setRepeat(e.target.value as Repeat)}>
                  {Object.entries(REPEATS).map(([key, r]) => (
                    <option key={key} value={key}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {repeat === 'custom' && (
              <Field label="Rule" error={errors.fields.recurrence} hint="RFC 5545, at most daily, e.g. FREQ=MONTHLY;BYDAY=1SU (first Sunday)">
                {(p) => <input {...p} value={customRule} onChange={(e) => setCustomRule(e.target.value)} />}
              </Field>
            )}
            <Field label="Time zone" error={errors.fields.timeZone} hint="From and Until are read in this zone; a repeating window keeps its local time across DST">
              {(p) => <input {...p} value={zone} onChange={(e) => setZone(e.target.value)} />}
            </Field>
            <Field label="Hosts" error={errors.fields.hostIds}>
              {(p) => (
                <select {...p} multiple value={hostIds} onChange={(e) => setHostIds([...e.target.selectedOptions].map((o) => o.value))}>
                  {data?.hosts.nodes.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <button type="submit" className="primary">
            {editing ? 'Save' : 'Schedule'}
          </button>
          {editing && (
            <button type="button" onClick={() => (setEditing(undefined), setName(''))}>
              Cancel
            </button>
          )}
        </form>
      )}
    </>
  );
}

function Users() {
  const [{ data, error }, refetch] = useQuery<{ users: { nodes: { id: string; email: string; displayName: string; role: string; disabledAt: string | null }[] } }>({
    query: 'query Users { users(first: 200) { nodes { id email displayName role disabledAt } } }',
  });
  const canEdit = useCan('admin');
  const [form, setForm] = useState({ email: '', displayName: '', role: 'operator', password: '' });
  const [created, create] = useMutation('mutation U($input: CreateUserInput!) { createUser(input: $input) { id } }');
  // A role or a disabled account changes at once, on the row; a disabled user's sessions end (the API's rule).
  const [changed, change] = useMutation('mutation ChangeUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id role disabledAt } }');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const errors = formErrors(created.error, ['email', 'displayName', 'role', 'password']);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create({ input: form });
    if (!res.error) {
      setForm({ email: '', displayName: '', role: 'operator', password: '' });
      refetch({ requestPolicy: 'network-only' });
    }
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <>
      <QueryError error={error} />
      <QueryError error={changed.error} />
      <DataTable head={['Name', 'E-mail', 'Role', 'State', '']}>
        {data?.users.nodes.map((u) => (
          <tr key={u.id} data-user={u.email}>
            <td>{u.displayName}</td>
            <td>{u.email}</td>
            <td>
              {canEdit && u.role !== 'owner' ? (
                <select aria-label={`Role of ${u.email}`} value={u.role} disabled={changed.fetching} onChange={(e) => change({ id: u.id, input: { role: e.target.value } }).then(reload)}>
                  <option value="viewer">viewer</option>
                  <option value="operator">operator</option>
                  <option value="admin">admin</option>
                </select>
              ) : (
                u.role
              )}
            </td>
            <td>{u.disabledAt ? `disabled ${when(u.disabledAt)}` : 'active'}</td>
            <td>
              {canEdit && u.role !== 'owner' && (
                <button type="button" disabled={changed.fetching} onClick={() => change({ id: u.id, input: { disabled: !u.disabledAt } }).then(reload)}>
                  {u.disabledAt ? `Enable ${u.email}` : `Disable ${u.email}`}
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {canEdit && (
        <form className="card" onSubmit={submit} aria-label="New user">
          <h2>New user</h2>
          <FormErrorList errors={errors} />
          <div className="grid-form">
            <Field label="E-mail" error={errors.fields.email}>
              {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} />}
            </Field>
            <Field label="Name" error={errors.fields.displayName}>
              {(p) => <input {...p} value={form.displayName} onChange={set('displayName')} />}
            </Field>
            <Field label="Role" error={errors.fields.role} hint="viewer: reads only; operator: acknowledges, runs runbooks; admin: settings">
              {(p) => (
                <select {...p} value={form.role} onChange={set('role')}>
                  <option value="viewer">viewer</option>
                  <option value="operator">operator</option>
                  <option value="admin">admin</option>
                </select>
              )}
            </Field>
            <Field label="Initial password" error={errors.fields.password}>
              {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
            </Field>
          </div>
          <button type="submit" className="primary">
            Add user
          </button>
        </form>
      )}
    </>
  );
}

function Tokens() {
  const [{ data, error }, refetch] = useQuery<{ apiTokens: { nodes: { id: string; name: string; prefix: string; role: string; createdAt: string; expiresAt: string | null; lastUsedAt: string | null; revokedAt: string | null }[] } }>({
    query: 'query Tokens { apiTokens(first: 200) { nodes { id name prefix role createdAt expiresAt lastUsedAt revokedAt } } }',
  });
  const canEdit = useCan('admin');
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [created, create] = useMutation<{ createApiToken: { token: string } }>('mutation K($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }');
  const [, revoke] = useMutation('mutation R($id: ID!) { revokeApiToken(id: $id) { id } }');
  const errors = formErrors(created.error, ['name', 'role', 'expiresInDays']);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create({ input: { name, role, expiresInDays: 365 } });
    if (!res.error) refetch({ requestPolicy: 'network-only' });
  };
  return (
    <>
      <QueryError error={error} />
      <DataTable head={['Name', 'Prefix', 'Role', 'Last used', 'Expires', '']}>
        {data?.apiTokens.nodes.map((t) => (
          <tr key={t.id}>
            <td>{t.name}</td>
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{t.role}</td>
            <td>{when(t.lastUsedAt)}</td>
            <td>{t.revokedAt ? `revoked ${when(t.revokedAt)}` : when(t.expiresAt)}</td>
            <td>
              {canEdit && !t.revokedAt && (
                <button type="button" onClick={() => revoke({ id: t.id }).then(() => refetch({ requestPolicy: 'network-only' }))}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {canEdit && (
        <form className="card" onSubmit={submit} aria-label="New API token">
          <h2>New API token</h2>
          <FormErrorList errors={errors} />
          <Field label="Name" error={errors.fields.name}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Role" error={errors.fields.role}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
                <option value="viewer">viewer</option>
                <option value="operator">operator</option>
                <option value="admin">admin</option>
              </select>
            )}
          </Field>
          <button type="submit" className="primary">
            Create token (valid one year)
          </button>
          {created.data && (
            <p className="banner banner-ok" role="status">
              Copy it now, it is not shown again: <code data-testid="new-token">{created.data.createApiToken.token}</code>
            </p>
          )}
        </form>
      )}
    </>
  );
}
