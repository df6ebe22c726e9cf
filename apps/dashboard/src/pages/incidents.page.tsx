import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useLiveRefetch } from '../api/live.js';
import { Loading, Page, QueryError } from '../components/form.js';
import { StatusBadge } from '../components/status-badge.js';
import { DataTable } from '../components/table.js';
import { ago, duration, localizeInstants } from '../lib/format.js';

const INCIDENTS = `query Incidents($filter: IncidentFilterInput, $after: String) {
  incidents(first: 50, filter: $filter, after: $after) {
    nodes { id subject status openedAt resolvedAt openReason acknowledgedAt acknowledgedBy planned suppressed flapping }
    pageInfo { hasNextPage endCursor }
  } }`;

export interface IncidentSummary {
  id: string;
  subject: string;
  status: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  openReason: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  planned: boolean;
  suppressed: boolean;
  flapping: boolean;
}

interface IncidentsData {
  incidents: { nodes: IncidentSummary[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function IncidentsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const monitorId = params.get('monitor') ?? undefined;
  const [after, setAfter] = useState<string | null>(null);
  const filter = { ...(status === 'all' ? {} : { status }), ...(monitorId ? { monitorId } : {}) };
  const [{ data, fetching, error }, refetch] = useQuery<IncidentsData>({ query: INCIDENTS, variables: { filter, after } });
  // A state change may open or resolve an incident.
  useLiveRefetch('subscription IncidentFeed { monitorStateChanged { monitorId } }', refetch);

  const setStatus = (value: string) => {
    setAfter(null);
    const next = new URLSearchParams(params);
    next.set('status', value);
    setParams(next);
  };

  return (
    <Page title="Incidents">
      <div className="toolbar">
        <div role="group" aria-label="Show">
          {['open', 'resolved', 'all'].map((s) => (
            <button key={s} type="button" aria-pressed={status === s} onClick={() => setStatus(s)}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </button>
          ))}
        </div>
        {monitorId && <Link to="/incidents">Show all monitors</Link>}
      </div>
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="incidents" />
      ) : (
        <>
          <DataTable caption="Incidents, newest first" head={['State', 'What', 'Why', 'Opened', 'Duration', 'Acknowledged']}>
              {data?.incidents.nodes.map((i) => (
                <tr key={i.id} data-incident={i.id}>
                  <td>
                    <StatusBadge state={i.status === 'open' ? (i.planned ? 'maintenance' : i.flapping ? 'flapping' : 'down') : 'up'} />
                    {i.status === 'resolved' && <span className="sr-only"> resolved</span>}
                  </td>
                  <td>
                    <Link to={`/incidents/${i.id}`}>{i.subject}</Link>
                  </td>
                  <td>{localizeInstants(i.openReason)}</td>
                  <td>{ago(i.openedAt)}</td>
                  <td>{duration((i.resolvedAt ? new Date(i.resolvedAt).getTime() : Date.now()) - new Date(i.openedAt).getTime())}</td>
                  <td>{i.acknowledgedBy ?? (i.status === 'open' ? <strong>no</strong> : '—')}</td>
                </tr>
              ))}
          </DataTable>
          {data?.incidents.nodes.length === 0 && <p>No {status === 'all' ? '' : status} incidents.</p>}
          {data?.incidents.pageInfo.hasNextPage && (
            <button type="button" onClick={() => setAfter(data.incidents.pageInfo.endCursor)}>
              Older incidents
            </button>
          )}
        </>
      )}
    </Page>
  );
}
