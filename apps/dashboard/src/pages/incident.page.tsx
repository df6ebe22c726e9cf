import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useLiveRefetch } from '../api/live.js';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { RunStatusBadge, StatusBadge } from '../components/status-badge.js';
import { DataTable } from '../components/table.js';
import { localizeInstants, reportDuration, when } from '../lib/format.js';
import { DeliveryResult } from '../components/delivery-result.js';
import { TimelineMessage } from '../components/timeline-message.js';
import { useCan } from '../session-context.js';

const INCIDENT = `query Incident($id: ID!) { incident(id: $id) {
  id subject status openedAt resolvedAt openReason resolveReason acknowledgedAt acknowledgedBy planned suppressed flapping monitorId hostId serviceId
  timeline { id at kind message }
  notifications { id kind step status recipient sentAt createdAt attempts lastError channel { name type target } }
} runs(first: 20, filter: { incidentId: $id }) { nodes { id runbookName status incidentId createdAt } } }`;

interface IncidentData {
  incident: {
    id: string;
    subject: string;
    status: string;
    openedAt: string;
    resolvedAt: string | null;
    openReason: string;
    resolveReason: string | null;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
    planned: boolean;
    suppressed: boolean;
    flapping: boolean;
    monitorId: string;
    hostId: string;
    serviceId: string | null;
    timeline: { id: string; at: string; kind: string; message: string }[];
    notifications: { id: string; kind: string; step: number; status: string; recipient: string | null; sentAt: string | null; createdAt: string; attempts: number; lastError: string | null; channel: { name: string; type: string; target: string } | null }[];
  };
  runs: { nodes: { id: string; runbookName: string; status: string; incidentId: string | null; createdAt: string }[] };
}

export function IncidentPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<IncidentData>({ query: INCIDENT, variables: { id } });
  const [ack, acknowledge] = useMutation('mutation Ack($id: ID!) { acknowledgeIncident(id: $id) { id acknowledgedAt acknowledgedBy } }');
  const canAct = useCan('operator');
  useLiveRefetch('subscription IncidentLive($m: ID) { monitorStateChanged(monitorId: $m) { monitorId } }', refetch, { m: data?.incident.monitorId }, !data);
  // Alerts on their way (queued, being sent, or to be retried) are followed every 2 s until each has its outcome.
  const pending = data?.incident.notifications.some((n) => n.status === 'queued' || n.status === 'sending' || n.status === 'failed') ?? false;
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 2000);
    return () => clearInterval(timer);
  }, [pending, refetch]);
  if (fetching && !data) return <Loading what="the incident" />;
  if (!data) return <QueryError error={error} />;
  const i = data.incident;
  const runs = data.runs.nodes;
  // The subject reads "host · service · monitor" (no service for a host-level check): each part links to its page.
  const parts = i.subject.split(' · ');
  const about = { host: parts[0] ?? 'host', service: parts.length > 2 ? parts[1]! : 'service', monitor: parts.at(-1) ?? 'monitor' };
  return (
    <Page
      title={i.subject}
      actions={
        canAct && i.status === 'open' && !i.acknowledgedAt ? (
          <button type="button" className="primary" disabled={ack.fetching} onClick={() => acknowledge({ id: i.id }).then(() => refetch({ requestPolicy: 'network-only' }))}>
            Acknowledge
          </button>
        ) : undefined
      }
    >
      <QueryError error={ack.error} />
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <StatusBadge state={i.status === 'open' ? 'down' : 'up'} /> {i.status}
          {i.planned && ' (planned maintenance)'}
          {i.suppressed && ' — alerts and runbooks held'}
        </dd>
        <dt>Opened</dt>
        <dd>
          {when(i.openedAt)} — {localizeInstants(i.openReason)}
        </dd>
        {i.resolvedAt && (
          <>
            <dt>Resolved</dt>
            <dd>
              {when(i.resolvedAt)} — {i.resolveReason && localizeInstants(i.resolveReason)}
            </dd>
          </>
        )}
        <dt>Down for</dt>
        <dd data-testid="incident-duration">
          {/* To the second, as the recovery's alert says it ("recovered after 1 h 5 min 12 s"). */}
          {reportDuration(Math.round(((i.resolvedAt ? new Date(i.resolvedAt).getTime() : Date.now()) - new Date(i.openedAt).getTime()) / 1000) * 1000)}
          {i.resolvedAt ? '' : ' so far'}
        </dd>
        <dt>About</dt>
        <dd data-testid="incident-about">
          <Link to={`/hosts/${i.hostId}`}>{about.host}</Link>
          {i.serviceId && (
            <>
              {' · '}
              <Link to={`/services/${i.serviceId}`}>{about.service}</Link>
            </>
          )}
          {' · '}
          <Link to={`/monitors/${i.monitorId}`}>{about.monitor}</Link>
        </dd>
        <Impact hostId={i.hostId} serviceId={i.serviceId} />
        <dt>Acknowledged</dt>
        <dd data-testid="acknowledged">{i.acknowledgedAt ? `${when(i.acknowledgedAt)} by ${i.acknowledgedBy}` : 'not yet'}</dd>
      </dl>
      <h2>Timeline</h2>
      <ol className="timeline" aria-label="Timeline">
        {i.timeline.map((e) => (
          <li key={e.id} className={`timeline-${e.kind}`}>
            <time dateTime={e.at}>{when(e.at)}</time> <span className="kind">{e.kind}</span> <TimelineMessage kind={e.kind} message={e.message} />
          </li>
        ))}
      </ol>
      {canAct && <NoteForm incidentId={i.id} onAdded={() => refetch({ requestPolicy: 'network-only' })} />}
      {runs.length > 0 && (
        <>
          <h2>Runbook runs</h2>
          <ul>
            {runs.map((r) => (
              <li key={r.id}>
                <RunStatusBadge status={r.status} /> <Link to={`/runs/${r.id}`}>{r.runbookName}</Link> {when(r.createdAt)}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Alerts sent</h2>
      {i.notifications.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <DataTable head={['What', 'Step', 'Channel', 'To', 'Result', 'When', 'Attempts']}>
              {i.notifications.map((n) => (
                <tr key={n.id} data-testid="notification">
                  <td>{NOTIFICATION_KIND[n.kind] ?? n.kind}</td>
                  <td>{n.kind === 'trigger' ? n.step + 1 : '—'}</td>
                  <td>{n.channel ? `${n.channel.name} (${n.channel.type})` : 'customer notice'}</td>
                  <td>{n.recipient ?? n.channel?.target ?? '—'}</td>
                  <td>
                    <DeliveryResult status={n.status} error={n.lastError} />
                  </td>
                  <td>{when(n.sentAt ?? n.createdAt)}</td>
                  <td>{n.attempts}</td>
                </tr>
              ))}
        </DataTable>
      )}
    </Page>
  );
}

/**
 * What each kind of alert is, in the words its message uses: a page that needs a person beyond the outage itself (a
 * run that failed or waits, no standby, a vantage hiding outages) is headed [ATTENTION] — stored as `runbook`.
 */
const NOTIFICATION_KIND: Record<string, string> = {
  trigger: 'page',
  acknowledge: 'acknowledged',
  resolve: 'recovered',
  runbook: 'attention',
  test: 'test',
};

function NoteForm({ incidentId, onAdded }: { incidentId: string; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [result, addNote] = useMutation('mutation Note($id: ID!, $text: String!) { addIncidentNote(id: $id, text: $text) { id } }');
  const errors = formErrors(result.error, ['text']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await addNote({ id: incidentId, text });
    if (!res.error) {
      setText('');
      onAdded();
    }
  };
  return (
    <form onSubmit={submit} className="inline-form">
      <FormErrorList errors={errors} />
      <Field label="Add a note" error={errors.fields.text} hint="What you saw or did by hand; it goes on the timeline with your name.">
        {(p) => <textarea {...p} rows={2} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <button type="submit" disabled={result.fetching}>
        Add note
      </button>
    </form>
  );
}

/**
 * Who the incident touches: the customers its service serves now, and the failover units its host belongs to. Read
 * apart from the incident, so a service or host deleted since does not hide the incident itself.
 */
function Impact({ hostId, serviceId }: { hostId: string; serviceId: string | null }) {
  const [{ data: service }] = useQuery<{ service: { name: string; customers: { id: string; name: string }[] } }>({
    query: 'query IncidentService($id: ID!) { service(id: $id) { name customers { id name } } }',
    variables: { id: serviceId },
    pause: !serviceId,
  });
  const [{ data: units }] = useQuery<{ resources: { nodes: { id: string; name: string; members: { hostId: string }[] }[] } }>({
    query: 'query IncidentUnits { resources(first: 200) { nodes { id name members { hostId } } } }',
  });
  const customers = service?.service.customers ?? [];
  const mine = (units?.resources.nodes ?? []).filter((r) => r.members.some((m) => m.hostId === hostId));
  return (
    <>
      <dt>Customers affected</dt>
      <dd data-testid="incident-customers">
        {!serviceId ? 'none: a host-level check serves no customer directly' : customers.length ? customers.map((c) => c.name).join(', ') : 'none linked to its service'}
      </dd>
      {mine.length > 0 && (
        <>
          <dt>Failover units</dt>
          <dd>
            {mine.map((r, n) => (
              <span key={r.id}>
                {n > 0 && ', '}
                <Link to={`/resources#${r.id}`}>{r.name}</Link>
              </span>
            ))}
          </dd>
        </>
      )}
    </>
  );
}
