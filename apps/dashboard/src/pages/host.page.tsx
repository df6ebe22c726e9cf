import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { useLiveRefetch } from '../api/live.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DeleteOrPurge } from '../components/delete-or-purge.js';
import { StatusBadge } from '../components/status-badge.js';
import { MonitorsTable } from '../components/monitors-table.js';
import { UptimePerDay } from '../components/uptime-per-day.js';
import { when } from '../lib/format.js';
import type { DisplayState } from '../lib/states.js';
import { useCan } from '../session-context.js';

const HOST = `query HostPage($id: ID!) {
  host(id: $id) { id name kind addresses tags health siteId sshPort sshUser sshHostKey sshCredentialId sshJumpHostId createdAt site { name } }
  monitors(first: 200, filter: { hostId: $id }) { totalCount nodes { id name type enabled state { health since reason } service { name } } }
  services(first: 200, filter: { hostId: $id }) { nodes { id name type } }
  incidents(first: 20, filter: { hostId: $id }) { nodes { id status subject openedAt resolvedAt } }
  sites(first: 200) { nodes { id name } }
  sshCredentials(first: 200) { nodes { id name } }
  hosts(first: 200) { nodes { id name } }
}`;

interface HostData {
  host: {
    id: string;
    name: string;
    kind: string;
    addresses: string[];
    tags: string[];
    health: DisplayState;
    siteId: string | null;
    sshPort: number;
    sshUser: string;
    sshHostKey: string | null;
    sshCredentialId: string | null;
    sshJumpHostId: string | null;
    createdAt: string;
    site: { name: string } | null;
  };
  monitors: { totalCount: number; nodes: { id: string; name: string; type: string; enabled: boolean; state: { health: DisplayState; since: string; reason: string } | null; service: { name: string } | null }[] };
  services: { nodes: { id: string; name: string; type: string }[] };
  incidents: { nodes: { id: string; status: string; subject: string; openedAt: string; resolvedAt: string | null }[] };
  sites: { nodes: { id: string; name: string }[] };
  sshCredentials: { nodes: { id: string; name: string }[] };
  hosts: { nodes: { id: string; name: string }[] };
}

/** One host: its health, monitors, services, uptime per day and incidents; edit, SSH access with its pinned key, delete. */
export function HostPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<HostData>({ query: HOST, variables: { id } });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  useLiveRefetch('subscription HostLive { monitorStateChanged { monitorId } }', reload, undefined, !data);
  const canEdit = useCan('operator');
  if (fetching && !data) return <Loading what="the host" />;
  if (!data) return <QueryError error={error} />;
  const h = data.host;
  const credential = data.sshCredentials.nodes.find((c) => c.id === h.sshCredentialId);
  const jump = data.hosts.nodes.find((x) => x.id === h.sshJumpHostId);
  return (
    <Page title={h.name} actions={canEdit ? <DeleteHost host={h} monitors={data.monitors.totalCount} services={data.services.nodes.length} /> : undefined}>
      <dl className="facts">
        <dt>Health</dt>
        <dd data-testid="host-health">
          <StatusBadge state={h.health} /> <span className="muted">the worst of its enabled monitors</span>
        </dd>
        <dt>Addresses</dt>
        <dd data-testid="host-addresses">{h.addresses.join(', ')}</dd>
        <dt>Kind, site, tags</dt>
        <dd>
          {h.kind} · {h.site?.name ?? 'no site'} · {h.tags.length ? h.tags.join(', ') : 'no tags'}
        </dd>
        <dt>SSH</dt>
        <dd data-testid="host-ssh">
          {h.sshUser}@{h.addresses[0]}:{h.sshPort} · {credential ? `key “${credential.name}”` : 'no credential'}
          {jump && ` · through ${jump.name}`} · {h.sshHostKey ? `host key pinned: ${h.sshHostKey}` : 'host key not pinned'}
        </dd>
      </dl>
      <h2>Monitors</h2>
      <MonitorsTable monitors={data.monitors.nodes} />
      {data.services.nodes.length > 0 && (
        <>
          <h2>Services</h2>
          <ul>
            {data.services.nodes.map((s) => (
              <li key={s.id}>
                <Link to={`/services/${s.id}`}>{s.name}</Link> <span className="muted">{s.type}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <UptimePerDay subject={{ kind: 'host', id: h.id }} />
      <h2>Incidents</h2>
      {data.incidents.nodes.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {data.incidents.nodes.map((i) => (
            <li key={i.id}>
              <StatusBadge state={i.status === 'open' ? 'down' : 'up'} compact /> <Link to={`/incidents/${i.id}`}>{i.subject}</Link> {when(i.openedAt)}
              {i.resolvedAt && ` → ${when(i.resolvedAt)}`}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <div className="cards">
          <EditHost data={data} onSaved={reload} />
          <PinHostKey hostId={h.id} pinned={h.sshHostKey} onPinned={reload} />
        </div>
      )}
    </Page>
  );
}

const HOST_FIELDS = ['name', 'addresses', 'siteId', 'tags', 'sshPort', 'sshUser', 'sshCredentialId', 'sshJumpHostId', 'sshHostKey'];

/** The host's settings; nothing is saved unless all of them pass (the API checks the whole input first). */
function EditHost({ data, onSaved }: { data: HostData; onSaved: () => void }) {
  const h = data.host;
  const [form, setForm] = useState({
    name: h.name,
    addresses: h.addresses.join(' '),
    siteId: h.siteId ?? '',
    tags: h.tags.join(' '),
    sshPort: String(h.sshPort),
    sshUser: h.sshUser,
    sshCredentialId: h.sshCredentialId ?? '',
    sshJumpHostId: h.sshJumpHostId ?? '',
  });
  const [saved, setSaved] = useState(false);
  const [result, update] = useMutation('mutation UpdateHost($id: ID!, $input: UpdateHostInput!) { updateHost(id: $id, input: $input) { id } }');
  const errors = formErrors(result.error, HOST_FIELDS);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm({ ...form, [key]: e.target.value });
  };
  const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name: form.name.trim(),
      addresses: words(form.addresses),
      tags: words(form.tags),
      sshUser: form.sshUser.trim(),
      // Empty is SSH's own default.
      sshPort: form.sshPort.trim() === '' ? 22 : Number(form.sshPort),
      siteId: form.siteId || null,
      sshCredentialId: form.sshCredentialId || null,
      sshJumpHostId: form.sshJumpHostId || null,
    };
    const res = await update({ id: h.id, input });
    if (!res.error) {
      setSaved(true);
      onSaved();
    }
  };
  const choose = (key: 'siteId' | 'sshCredentialId' | 'sshJumpHostId', none: string, options: { id: string; name: string }[]) => (p: { id: string }) => (
    <select {...p} value={form[key]} onChange={set(key)}>
      <option value="">{none}</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  );
  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-host">
      <h2 id="edit-host">Edit the host</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="RFC 1123 host name, unique in the company">
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <Field label="Addresses" error={errors.fields.addresses} hint="IPv4 or IPv6, separated by spaces; probes use the first">
        {(p) => <input {...p} value={form.addresses} onChange={set('addresses')} />}
      </Field>
      <Field label="Site" error={errors.fields.siteId}>
        {choose('siteId', 'none', data.sites.nodes)}
      </Field>
      <Field label="Tags" error={errors.fields.tags} hint="Separated by spaces, e.g. web madrid">
        {(p) => <input {...p} value={form.tags} onChange={set('tags')} />}
      </Field>
      <Field label="SSH user" error={errors.fields.sshUser}>
        {(p) => <input {...p} value={form.sshUser} onChange={set('sshUser')} />}
      </Field>
      <Field label="SSH port" error={errors.fields.sshPort} hint="22 when empty">
        {(p) => <input {...p} type="number" min={1} max={65535} value={form.sshPort} onChange={set('sshPort')} />}
      </Field>
      <Field label="SSH key" error={errors.fields.sshCredentialId} hint="Runbooks log in with it; add keys under Settings">
        {choose('sshCredentialId', 'none', data.sshCredentials.nodes)}
      </Field>
      <Field label="Through (jump host)" error={errors.fields.sshJumpHostId}>
        {choose('sshJumpHostId', 'directly', data.hosts.nodes.filter((x) => x.id !== h.id))}
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

interface Pin {
  sshHostKey: string;
  previousSshHostKey: string | null;
  replaced: boolean;
}

/**
 * Trust on first use, on request: reads the key the host presents now and pins it. A different pin already there is
 * replaced only after the operator has seen both fingerprints and confirmed.
 */
function PinHostKey({ hostId, pinned, onPinned }: { hostId: string; pinned: string | null; onPinned: () => void }) {
  const [result, pin] = useMutation<{ pinSshHostKey: Pin }>('mutation Pin($id: ID!, $replace: Boolean!) { pinSshHostKey(hostId: $id, replace: $replace) { sshHostKey previousSshHostKey replaced } }');
  const [done, setDone] = useState<Pin | null>(null);
  const run = async (replace: boolean) => {
    setDone(null);
    const res = await pin({ id: hostId, replace });
    if (res.data) {
      setDone(res.data.pinSshHostKey);
      onPinned();
    }
  };
  // The one refusal the operator can answer here: another key is pinned. (An unreachable host is a plain error.)
  const conflict = result.error?.graphQLErrors.find((e) => (e.extensions as { field?: string }).field === 'replace');
  return (
    <section className="card fingerprints" aria-labelledby="pin-key">
      <h2 id="pin-key">SSH host key</h2>
      <p className="muted">Pinned now: {pinned ?? 'none'}. Runbooks refuse a host that presents another key.</p>
      <button type="button" disabled={result.fetching} onClick={() => run(false)}>
        Read and pin the key it presents now
      </button>
      {conflict && (
        <div role="alert" data-testid="pin-conflict">
          <p>{conflict.message.replace(/;.*$/, '.')} Check the new key out of band (the host's console), then replace the pin.</p>
          <button type="button" className="danger" disabled={result.fetching} onClick={() => run(true)}>
            Replace the pinned key
          </button>
        </div>
      )}
      {!conflict && <QueryError error={result.error} />}
      {done && (
        <p role="status" data-testid="pin-result">
          {done.replaced ? `Replaced ${done.previousSshHostKey} with ${done.sshHostKey}.` : done.previousSshHostKey === done.sshHostKey ? `Already pinned: ${done.sshHostKey}.` : `Pinned ${done.sshHostKey}.`}
        </p>
      )}
    </section>
  );
}

/** Delete says what it does before it does it: the host, its services and monitors hidden at one instant, history kept. */
function DeleteHost({ host, monitors, services }: { host: HostData['host']; monitors: number; services: number }) {
  return <DeleteOrPurge kind="host" id={host.id} name={host.name} then="/hosts" consequences={`Delete ${host.name}? It and its ${services} service${services === 1 ? '' : 's'} and ${monitors} monitor${monitors === 1 ? '' : 's'} are hidden at once and never probed again. Past reports still count them for the time they existed (their incidents and state changes are kept); a purge removes them for good.`} />;
}
