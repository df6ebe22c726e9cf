import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useLiveRefetch } from '../api/live.js';
import { useCan } from '../session-context.js';
import { Loading, Page, QueryError } from '../components/form.js';
import { NewResource, ResourceControls } from '../components/resource-form.js';
import { RunStatusBadge, StatusBadge } from '../components/status-badge.js';
import { ago } from '../lib/format.js';
import type { DisplayState } from '../lib/states.js';

const RESOURCES = `query Resources { resources(first: 200) { nodes {
  id name kind primaryHostId primarySince primaryReason failback failbackHoldSeconds approvalRequired requireFencing cooldownMinutes
  fencePending drained lastRunAt activeRun { id status runbookName } decision decisionKind decisionSince decisionPagedAt
  members { hostId value weight role host { id name health addresses } } } } }`;

interface Resource {
  id: string;
  name: string;
  kind: string;
  primaryHostId: string | null;
  primarySince: string | null;
  primaryReason: string | null;
  failback: string;
  failbackHoldSeconds: number;
  approvalRequired: boolean;
  requireFencing: boolean;
  cooldownMinutes: number;
  fencePending: string[];
  drained: string[];
  lastRunAt: string | null;
  activeRun: { id: string; status: string; runbookName: string } | null;
  decision: string | null;
  decisionKind: string | null;
  decisionSince: string | null;
  decisionPagedAt: string | null;
  members: { hostId: string; value: string | null; weight: number | null; role: MemberRole; host: { id: string; name: string; health: DisplayState; addresses: string[] } }[];
}

type MemberRole = 'primary' | 'replica' | 'not_replicating' | 'standby' | 'fence_pending' | 'drained';

/** The member's role as the API works it out now (it follows promotions and fencing), in words and a tag style. */
const ROLE_TAGS: Record<MemberRole, { label: string; className: string; title: string }> = {
  primary: { label: 'primary', className: 'tag tag-primary', title: 'serves now' },
  replica: { label: 'replica', className: 'tag', title: 'replicating from the primary' },
  not_replicating: { label: 'not replicating', className: 'tag tag-warning', title: 'a fenced former primary or a broken replica: cannot take over until re-attached' },
  standby: { label: 'standby', className: 'tag', title: 'ready to take over' },
  fence_pending: { label: 'fence pending', className: 'tag tag-warning', title: 'replaced while unreachable: fenced when it returns' },
  drained: { label: 'drained', className: 'tag tag-warning', title: 'taken out of the pool by a run' },
};

const VM_RUNS_HERE = { label: 'runs here', className: 'tag tag-primary', title: 'the hypervisor running this VM now' };

/** Standing decisions an operator may override from here (the API refuses the others, e.g. unconfirmed MySQL loss). */
const OVERRIDABLE = new Set(['held_flapping', 'cooldown']);

/** Why Vigia is not failing over (yet) while the primary is down: stated, paged, and re-evaluated every second. */
function StandingDecision({ resource }: { resource: Resource }) {
  const [acted, actNow] = useMutation('mutation ActNow($id: ID!) { actNow(id: $id) { id decision } }');
  const canAct = useCan('operator');
  if (!resource.decision) return null;
  return (
    <div className="banner banner-notice" role="status" data-decision={resource.decisionKind}>
      <p>
        <strong>No failover yet:</strong> {resource.decision}
      </p>
      <p className="muted">
        since {ago(resource.decisionSince)}
        {resource.decisionPagedAt ? ' · an alert was raised (its delivery is on the incident)' : ''} · looked at again every second
      </p>
      {canAct && resource.decisionKind && OVERRIDABLE.has(resource.decisionKind) && (
        <button type="button" disabled={acted.fetching} onClick={() => void actNow({ id: resource.id })}>
          Act now
        </button>
      )}
      {acted.error && <p className="error">{acted.error.graphQLErrors[0]?.message ?? acted.error.message}</p>}
    </div>
  );
}

export function ResourcesPage() {
  const [{ data, fetching, error }, refetch] = useQuery<{ resources: { nodes: Resource[] } }>({ query: RESOURCES });
  useLiveRefetch('subscription ResourceHealth { monitorStateChanged { monitorId } }', refetch);
  // Primary changes, fencing and runs starting or ending: after a failover the page shows the new primary at once.
  useLiveRefetch('subscription ResourceLive { resourceUpdated { resourceId } }', refetch);
  return (
    <Page title="Resources">
      <p className="muted">Each failover unit: who serves now, who stands by, and what Vigia does when the primary fails.</p>
      <QueryError error={error} />
      {fetching && !data && <Loading what="resources" />}
      <NewResource onDone={() => refetch({ requestPolicy: 'network-only' })} />
      {data?.resources.nodes.length === 0 && <p>No resources yet.</p>}
      <div className="cards">
        {data?.resources.nodes.map((r) => (
          <article key={r.id} className="card" aria-labelledby={`res-${r.id}`} data-resource={r.name}>
            <h2 id={`res-${r.id}`}>
              {r.name} <span className="tag">{r.kind.replace('_', ' ')}</span>
            </h2>
            <StandingDecision resource={r} />
            {r.activeRun && (
              <p>
                <RunStatusBadge status={r.activeRun.status} /> <Link to={`/runs/${r.activeRun.id}`}>{r.activeRun.runbookName}</Link> running now
              </p>
            )}
            <ol className="members" aria-label="Members in preference order">
              {r.members.map((m) => {
                // A VM has no primary: the member holding it is where it runs.
                const tag = r.kind === 'vm' && m.role === 'primary' ? VM_RUNS_HERE : (ROLE_TAGS[m.role] ?? ROLE_TAGS.standby);
                return (
                  <li key={m.hostId} className={m.role === 'primary' ? 'primary' : undefined} data-role={m.role}>
                    <StatusBadge state={m.host.health} compact /> <strong>{m.host.name}</strong>{' '}
                    <span className="muted">{m.value ?? m.host.addresses[0]}</span>{' '}
                    <span className={tag.className} title={tag.title}>
                      {tag.label}
                    </span>
                  </li>
                );
              })}
            </ol>
            <dl className="facts">
              <dt>{r.kind === 'vm' ? 'Runs on' : 'Primary since'}</dt>
              <dd>
                {r.kind === 'vm' && <>{r.members.find((m) => m.hostId === r.primaryHostId)?.host.name ?? 'nowhere known'}, placed </>}
                {ago(r.primarySince)} — {r.primaryReason ?? 'configured'}
              </dd>
              <dt>Failback</dt>
              <dd>{r.failback === 'auto' ? `automatic after ${r.failbackHoldSeconds} s healthy` : 'stay (an operator moves it back)'}</dd>
              <dt>Policy</dt>
              <dd>
                {r.approvalRequired ? 'approval required' : 'automatic'}, {r.requireFencing ? 'fencing required' : 'fencing best-effort'}, cooldown {r.cooldownMinutes} min
              </dd>
            </dl>
            <ResourceControls resource={r} onChanged={() => refetch({ requestPolicy: 'network-only' })} />
          </article>
        ))}
      </div>
    </Page>
  );
}
