import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { AssignmentFields, type AssignmentDraft, type AssignmentInput, ASSIGNMENT_FIELDS, assignmentWords, draftInput, draftOf, type VantageChoice } from '../components/monitor-vantages.js';
import { ConfirmDelete } from '../components/confirm-delete.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { ago, localizeInstants, when } from '../lib/format.js';
import { whyFailingStillVotes } from '../lib/vantage-words.js';
import { useCan } from '../session-context.js';

/** How many monitors are read to count each vantage's: the API's largest page (there is no per-vantage count in the API). */
const SAMPLE = 200;

const VANTAGES = `query VantagesPage {
  vantages { id name kind region central tokenPrefix createdAt revokedAt lastHeartbeatAt clockOffsetMs probesPerSecond failingShare skippedShare
    droppedResults refusedResults lastRefusal replayedResults impairedSince impairedReason }
}`;

// Apart from the vantages: each monitor's assignment costs the API a few queries, so it is read on opening the page and
// after a change here, not every 10 s with the health.
const ASSIGNMENTS = `query VantagesAssignments {
  vantageDefaults { vantageIds quorum count }
  monitors(first: ${SAMPLE}) { totalCount nodes { id name vantageAssignment { central agents { id name } impaired { name reason } count quorum majority inherited } } }
}`;

interface Vantage extends VantageChoice {
  region: string | null;
  tokenPrefix: string | null;
  createdAt: string;
  lastHeartbeatAt: string | null;
  clockOffsetMs: number | null;
  probesPerSecond: number | null;
  failingShare: number | null;
  skippedShare: number | null;
  droppedResults: number;
  refusedResults: number;
  lastRefusal: string | null;
  replayedResults: number;
  impairedSince: string | null;
  impairedReason: string | null;
}

type Assignment = Parameters<typeof assignmentWords>[0];

interface VantagesData {
  vantages: Vantage[];
}

interface AssignmentsData {
  vantageDefaults: AssignmentInput | null;
  monitors: { totalCount: number; nodes: { id: string; name: string; vantageAssignment: Assignment }[] };
}

/**
 * The monitors each vantage probes, from the monitors' effective assignments (the API has no count per vantage). A
 * monitor without any assignment is probed by the central watchdogs alone; the central tier is one voter, so every
 * central watchdog is counted for it (whichever replica owns the monitor probes it).
 */
function monitorCounts(data: VantagesData, assignments: AssignmentsData): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const m of assignments.monitors.nodes) {
    const a = m.vantageAssignment;
    if (!a || a.central) for (const v of data.vantages.filter((x) => x.central)) add(v.id);
    for (const agent of a?.agents ?? []) add(agent.id);
  }
  return counts;
}

function verdict(v: Vantage): string {
  // The reason is stored with UTC instants ("none since 2026-12-04T09:49:50.962Z"): read in the page's zone.
  if (v.impairedSince) return `impaired since ${when(v.impairedSince)}: ${v.impairedReason ? localizeInstants(v.impairedReason) : 'no reason recorded'} — does not vote`;
  // Not judged yet (the watchdogs judge a vantage that stays away): without a connection it has nothing to vote with.
  if (!v.lastHeartbeatAt && !v.central) return 'waiting for its agent to connect: no votes until it does';
  return VOTES;
}

const VOTES = 'healthy, votes';

/** A vantage's health in words: whether it votes, and why not when it does not. */
function Health({ v }: { v: Vantage }) {
  if (v.revokedAt) return <>revoked {when(v.revokedAt)}: its token is refused</>;
  const offset = v.clockOffsetMs === null ? 'clock offset unknown' : `clock ${v.clockOffsetMs >= 0 ? '+' : '−'}${Math.abs(Math.round(v.clockOffsetMs))} ms off`;
  const perSecond = v.probesPerSecond === null ? null : Number(v.probesPerSecond.toFixed(1));
  const rate = perSecond === null ? 'probes/s unknown' : `${perSecond} ${perSecond === 1 ? 'probe' : 'probes'}/s`;
  const failing = v.failingShare === null ? 'failing share unknown' : `${Math.round(v.failingShare * 100)} % of its probes failing`;
  const failingNote = whyFailingStillVotes(v, verdict(v) === VOTES);
  // More than a trace of its slots skipped: it probes less often than asked (its process or machine is saturated).
  const overloaded = v.skippedShare !== null && v.skippedShare >= 0.01;
  const counters = [
    v.droppedResults ? `${v.droppedResults} results dropped from its offline buffer` : '',
    v.replayedResults ? `${v.replayedResults} late results replayed (history only)` : '',
    v.refusedResults ? `${v.refusedResults} results refused${v.lastRefusal ? ` (last: ${v.lastRefusal})` : ''}` : '',
  ].filter(Boolean);
  return (
    <>
      <strong data-testid="vantage-verdict">{verdict(v)}</strong>
      <br />
      <span data-testid="vantage-heartbeat">{v.lastHeartbeatAt ? `last heartbeat ${ago(v.lastHeartbeatAt)} (${when(v.lastHeartbeatAt)})` : 'no heartbeat yet: its agent has never connected'}</span>
      {' · '}
      {offset} · {rate} · {failing}
      {failingNote && (
        <>
          <br />
          <span className="muted" data-testid="vantage-failing-note">
            {failingNote}
          </span>
        </>
      )}
      {overloaded && (
        <>
          <br />
          <strong className="waiting-note" data-testid="vantage-overloaded">
            overloaded: {Math.round(v.skippedShare! * 100)} % of its probe slots skipped in the last minute — it probes less often than asked
          </strong>
        </>
      )}
      {counters.length > 0 && (
        <>
          <br />
          <span className="muted">{counters.join(' · ')}</span>
        </>
      )}
    </>
  );
}

/**
 * Vantages: the places probes run from — the platform's (central watchdogs and platform agents) and the company's
 * private agents — with their health in words and the monitors each probes; create one (its token shown once with
 * the command that runs its agent), revoke one (said first what happens), and the company's default assignment.
 */
export function VantagesPage() {
  const [{ data, fetching, error }, refetch] = useQuery<VantagesData>({ query: VANTAGES });
  const [assignments, refetchAssignments] = useQuery<AssignmentsData>({ query: ASSIGNMENTS });
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchAssignments({ requestPolicy: 'network-only' });
  };
  // Heartbeats and impairments change without a subscription to announce them: read again every 10 s.
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 10_000);
    return () => clearInterval(timer);
  }, [refetch]);
  const isAdmin = useCan('admin');
  if (fetching && !data) return <Loading what="the vantages" />;
  if (!data) return <QueryError error={error} />;
  const sample = assignments.data?.monitors;
  const counts = sample ? monitorCounts(data, assignments.data!) : undefined;
  const partial = !!sample && sample.totalCount > sample.nodes.length;
  return (
    <Page title="Vantages">
      <p className="muted">
        Several vantages vote on “down”: a monitor is down only when its quorum of vantages confirms it; fewer make it suspect (shown, never an incident). An
        impaired vantage stops voting and its monitors go to healthy ones.
      </p>
      <QueryError error={error} />
      <DataTable head={['Vantage', 'Kind', 'Region', 'Health', 'Monitors', ...(isAdmin ? [''] : [])]} caption="Every vantage the company sees">
        {data.vantages.map((v) => (
          <tr key={v.id} data-vantage={v.name} className={v.revokedAt ? 'muted' : undefined}>
            <td>
              {v.name}
              {v.tokenPrefix && <span className="muted"> · token {v.tokenPrefix}…</span>}
            </td>
            <td>{v.central ? `${v.kind}, central watchdog` : `${v.kind}, agent`}</td>
            <td>{v.region ?? '—'}</td>
            <td>
              <Health v={v} />
            </td>
            <td data-testid="vantage-monitors">
              {v.revokedAt || !counts ? '—' : (counts.get(v.id) ?? 0)}
              {partial && !v.revokedAt && <span className="muted"> of the first {sample?.nodes.length}</span>}
            </td>
            {isAdmin && (
              <td>
                {!v.revokedAt && !v.central && (
                  <>
                    <RotateVantageToken vantage={v} onRotated={reload} /> <RevokeVantage vantage={v} monitors={counts?.get(v.id)} onRevoked={reload} />
                  </>
                )}
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      {isAdmin && (
        <div className="cards">
          <CreateVantage onCreated={reload} />
          <VantageDefaults vantages={data.vantages} monitors={sample?.nodes ?? []} setting={assignments.data?.vantageDefaults} onSaved={reload} />
        </div>
      )}
    </Page>
  );
}

const CREATE_FIELDS = ['name', 'kind', 'region'];

interface Created {
  token: string;
  vantage: { id: string; name: string };
}

/** A new vantage: its token is in this component's state only, so it is gone on a reload or another page. */
function CreateVantage({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({ name: '', kind: 'private', region: '' });
  const [created, setCreated] = useState<Created | null>(null);
  const [result, create] = useMutation<{ createVantage: Created }>(
    'mutation CreateVantage($input: CreateVantageInput!) { createVantage(input: $input) { token vantage { id name } } }',
  );
  const errors = formErrors(result.error, CREATE_FIELDS);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const res = await create({ input: { name: form.name, kind: form.kind, region: form.region.trim() || null } });
    if (res.data) {
      setCreated(res.data.createVantage);
      setForm({ name: '', kind: form.kind, region: '' });
      onCreated();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="create-vantage">
      <h2 id="create-vantage">Add a vantage</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="The name it votes under, e.g. madrid-dc2 or office">
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <Field label="Kind" error={errors.fields.kind} hint="private: inside your network, probes your monitors only; platform: serves every company (only an admin of the platform company)">
        {(p) => (
          <select {...p} value={form.kind} onChange={set('kind')}>
            <option value="private">private</option>
            <option value="platform">platform</option>
          </select>
        )}
      </Field>
      <Field label="Region" error={errors.fields.region} hint="Optional site or region label, e.g. eu-west-1">
        {(p) => <input {...p} value={form.region} onChange={set('region')} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Create
      </button>
      {created && <AgentSetup created={created} />}
    </form>
  );
}

/** The token, once, and how to run the agent that uses it (a new vantage's, or a vantage's new token). */
function AgentSetup({ created, rotated = false }: { created: Created; rotated?: boolean }) {
  const apiUrl = window.location.origin;
  return (
    <div role="status" data-testid="vantage-token">
      <p>
        {rotated ? 'A new token for vantage ' : 'Vantage '}
        <strong>{created.vantage.name}</strong>
        {rotated ? ': the old one is refused from now on. Copy it now' : ' created. Copy its token now'} (select it, then Ctrl+C or ⌘C): it is not shown again —
        Vigia keeps only a hash of it.
      </p>
      <pre data-testid="token">{created.token}</pre>
      <p>Run its agent (it needs no database, only an outbound connection to this API) from the Vigia directory, on the machine it probes from:</p>
      <pre data-testid="agent-command">{`VIGIA_API_URL=${apiUrl} VIGIA_VANTAGE_TOKEN=${created.token} npm run start:agent`}</pre>
      <p className="muted">
        It probes public addresses only until told otherwise: to probe hosts on a private network (10.x, 192.168.x, a VLAN), add{' '}
        <code>VIGIA_EGRESS_ALLOW=10.0.0.0/8</code> (the ranges, comma-separated). A target its policy refuses gets no vote from it, and the monitor says so.
      </p>
      <p className="muted">
        Or as a service: the systemd unit <code>deploy/systemd/vigia-agent.service</code> (both variables in <code>/etc/vigia/agent.env</code>, then{' '}
        <code>systemctl enable --now vigia-agent</code>); the container image built from <code>deploy/Dockerfile</code>, run with the command{' '}
        <code>node dist/apps/agent/src/main.js</code> and the two variables; on Kubernetes, <code>deploy/k8s/agent/</code>. Until it connects, the vantage
        shows no heartbeat and does not vote.
      </p>
    </div>
  );
}

/**
 * A leaked or lost token: a new one for the same vantage (name, assignments and history kept), shown once; the old one
 * is refused at once and its agent cut off. What the docs and the refusal of a reused name advise, where revoking
 * cannot be undone.
 */
function RotateVantageToken({ vantage, onRotated }: { vantage: Vantage; onRotated: () => void }) {
  const [asking, setAsking] = useState(false);
  const [rotated, setRotated] = useState<Created | null>(null);
  const [result, rotate] = useMutation<{ rotateVantageToken: Created }>('mutation RotateVantageToken($id: ID!) { rotateVantageToken(id: $id) { token vantage { id name } } }');
  if (rotated) return <AgentSetup created={rotated} rotated />;
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        New token…
      </button>
    );
  return (
    <div role="alertdialog" aria-labelledby={`rotate-${vantage.id}`} className="confirm">
      <p id={`rotate-${vantage.id}`}>
        A new token for {vantage.name}? The current one is refused from now on and its agent is cut off at once; the vantage keeps its name, its monitors and its
        history. Put the new token on the agent's machine and restart the agent: until then it does not vote.
      </p>
      <QueryError error={result.error} />
      <button
        type="button"
        className="primary"
        disabled={result.fetching}
        onClick={() =>
          rotate({ id: vantage.id }).then((r) => {
            if (!r.data) return;
            setRotated(r.data.rotateVantageToken);
            onRotated();
          })
        }
      >
        Make a new token for {vantage.name}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep the current one
      </button>
    </div>
  );
}

/** Revoke says what it does first: the agent is cut off at once, its monitors go to the other vantages. */
function RevokeVantage({ vantage, monitors, onRevoked }: { vantage: Vantage; monitors: number | undefined; onRevoked: () => void }) {
  const [result, revoke] = useMutation('mutation RevokeVantage($id: ID!) { revokeVantage(id: $id) { id revokedAt } }');
  return (
    <ConfirmDelete
      verb="Revoke"
      testId="revoke-consequences"
      name={vantage.name}
      error={result.error}
      busy={result.fetching}
      consequences={
        <>
          Revoke {vantage.name}? Its token is refused from now on and its agent is cut off at once, also on an open connection.{' '}
          {monitors === undefined ? 'The monitors' : `The ${monitors} monitor${monitors === 1 ? '' : 's'}`} it probes keep their quorum without its vote: one that
          needs it (2 of 2, say) can no longer be confirmed down — no incident, no page, no failover — until you change its vantages (the monitor says so), and
          one assigned to it alone has no vantage left. Its past results stay in the history. This cannot be undone: to replace a leaked or lost token, make a
          new token instead.
        </>
      }
      onConfirm={async () => {
        const r = await revoke({ id: vantage.id });
        if (!r.error) onRevoked();
        return !r.error;
      }}
    />
  );
}

/**
 * The company's default: which vantages probe monitors without their own assignment, and the quorum. The form opens on
 * the default as set (`vantageDefaults`); what it resolves to now is shown from a monitor that inherits it.
 */
function VantageDefaults({ vantages, monitors, setting, onSaved }: { vantages: Vantage[]; monitors: AssignmentsData['monitors']['nodes']; setting: AssignmentInput | null | undefined; onSaved: () => void }) {
  // Null until edited: the form shows the default as set (read again after a save).
  const [edited, setDraft] = useState<AssignmentDraft | null>(null);
  const draft = edited ?? draftOf(setting);
  const [saved, setSaved] = useState('');
  const [result, save] = useMutation('mutation SetVantageDefaults($input: VantageAssignmentInput) { setVantageDefaults(input: $input) }');
  const errors = formErrors(result.error, ASSIGNMENT_FIELDS);
  const inheriting = monitors.find((m) => m.vantageAssignment?.inherited);
  const submit = async (input: ReturnType<typeof draftInput> | null, what: string) => {
    setSaved('');
    const res = await save({ input });
    if (!res.error) {
      setSaved(what);
      setDraft(null);
      onSaved();
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(draftInput(draft), 'Saved.');
  };
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="vantage-defaults">
      <h2 id="vantage-defaults">Company default</h2>
      <p className="muted" data-testid="default-now">
        For monitors without their own assignment.{' '}
        {inheriting ? (
          <>
            Applied now (e.g. to <Link to={`/monitors/${inheriting.id}`}>{inheriting.name}</Link>): {assignmentWords(inheriting.vantageAssignment)}
          </>
        ) : (
          'None applies now: those monitors are probed by the central watchdog alone (quorum 1).'
        )}
      </p>
      <FormErrorList errors={errors} />
      <AssignmentFields
        draft={draft}
        onChange={(d) => {
          setSaved('');
          setDraft(d);
        }}
        vantages={vantages}
        errors={errors}
      />
      <button type="submit" className="primary" disabled={result.fetching}>
        Save the default
      </button>{' '}
      <button type="button" disabled={result.fetching} onClick={() => void submit(null, 'Removed: the central watchdog alone.')}>
        Remove the default
      </button>
      {saved && (
        <span role="status" className="muted">
          {' '}
          {saved}
        </span>
      )}
    </form>
  );
}
