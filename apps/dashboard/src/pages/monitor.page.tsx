import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useLiveRefetch } from '../api/live.js';
import { Loading, Page, QueryError } from '../components/form.js';
import { LatencyChart, type LatencyColumns } from '../components/latency-chart.js';
import { MonitorForm } from '../components/monitor-form.js';
import { MonitorVantages } from '../components/monitor-vantages.js';
import { DeleteOrPurge } from '../components/delete-or-purge.js';
import { StatusBadge } from '../components/status-badge.js';
import { DataTable } from '../components/table.js';
import { UptimePerDay } from '../components/uptime-per-day.js';
import { ago, duration, localizeInstants, when } from '../lib/format.js';
import type { DisplayState } from '../lib/states.js';
import { useCan } from '../session-context.js';

const MONITOR = `query MonitorPage($id: ID!) {
  monitor(id: $id) { id name type enabled intervalMs timeoutMs severity config createdAt updatedAt hostId serviceId
    host { id name } service { id name }
    state { health since flapping reason lastResultAt lastStatus lastLatencyMs lastReason vantages { vantage verdict seeing streak since at reason voting role fresh } } }
  stateChanges(monitorId: $id, first: 50) { totalCount nodes { id at effectiveAt fromHealth toHealth flapping reason } }
  incidents(first: 20, filter: { monitorId: $id }) { totalCount nodes { id status openedAt resolvedAt openReason } }
  hosts(first: 200) { nodes { id name } }
  services(first: 200) { nodes { id name hostId } }
}`;

interface MonitorData {
  monitor: {
    id: string;
    name: string;
    type: string;
    enabled: boolean;
    intervalMs: number;
    timeoutMs: number;
    severity: string;
    config: Record<string, unknown>;
    createdAt: string;
    updatedAt: string;
    hostId: string;
    serviceId: string | null;
    host: { id: string; name: string };
    service: { id: string; name: string } | null;
    state: {
      health: DisplayState;
      since: string;
      flapping: boolean;
      reason: string;
      lastResultAt: string | null;
      lastStatus: string | null;
      lastLatencyMs: number | null;
      lastReason: string | null;
      vantages: { vantage: string; verdict: string; seeing: string; streak: number; since: string; at: string; reason: string; voting: boolean | null; role: string; fresh: boolean }[];
    } | null;
  };
  stateChanges: { totalCount: number; nodes: { id: string; at: string; effectiveAt: string; fromHealth: DisplayState; toHealth: DisplayState; flapping: boolean; reason: string }[] };
  incidents: { totalCount: number; nodes: { id: string; status: string; openedAt: string; resolvedAt: string | null; openReason: string }[] };
  hosts: { nodes: { id: string; name: string }[] };
  services: { nodes: { id: string; name: string; hostId: string }[] };
}

/** An interval or timeout as configured: "500 ms", "1.5 s", "5 min 0 s" — never rounded to a whole second below a minute. */
function setting(ms: number): string {
  return ms < 60_000 ? (ms % 1000 ? `${ms < 1000 ? ms : ms / 1000} ${ms < 1000 ? 'ms' : 's'}` : `${ms / 1000} s`) : duration(ms);
}

const RANGES = [
  ['hour', 'Last hour', 3_600_000],
  ['day', 'Last day', 86_400_000],
  ['month', 'Last 30 days', 30 * 86_400_000],
] as const;
type Range = (typeof RANGES)[number][0];

/**
 * One monitor: its health and the verdict's explanation (every vantage), response times per minute, uptime per day,
 * state changes, incidents and configuration; probe now, pause and resume. Live: a state change reads it again.
 */
export function MonitorPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<MonitorData>({ query: MONITOR, variables: { id } });
  useLiveRefetch('subscription MonitorLive($m: ID) { monitorStateChanged(monitorId: $m) { monitorId } }', refetch, { m: id }, !data);
  const canEdit = useCan('operator');
  if (fetching && !data) return <Loading what="the monitor" />;
  if (!data) return <QueryError error={error} />;
  const m = data.monitor;
  const health: DisplayState = !m.enabled ? 'disabled' : (m.state?.health ?? 'unknown');
  return (
    <Page title={m.name} actions={<MonitorActions monitor={m} onChanged={() => refetch({ requestPolicy: 'network-only' })} />}>
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="monitor-health">
          <StatusBadge state={health} />
          {m.state?.flapping && ' flapping'} {m.state && <span className="muted">since {when(m.state.since)} ({ago(m.state.since)})</span>}
        </dd>
        <dt>Why</dt>
        <dd data-testid="monitor-reason">{m.state?.reason ? localizeInstants(m.state.reason) : 'No probe has run yet.'}</dd>
        <dt>Last result</dt>
        <dd>{m.state?.lastResultAt ? `${m.state.lastStatus ?? '—'}${m.state.lastLatencyMs === null ? '' : `, ${Math.round(m.state.lastLatencyMs)} ms`} — ${m.state.lastReason ?? ''} (${when(m.state.lastResultAt)})` : '—'}</dd>
        <dt>Checks</dt>
        <dd>
          {m.type} on <Link to={`/hosts/${m.host.id}`}>{m.host.name}</Link>
          {m.service && <> · service <Link to={`/services/${m.service.id}`}>{m.service.name}</Link></>} · every {setting(m.intervalMs)}, timeout {setting(m.timeoutMs)} · {m.severity}
        </dd>
      </dl>
      {m.state && m.state.vantages.length > 0 && (
        <>
          <h2>What each vantage sees</h2>
          <DataTable head={['Vantage', 'Votes', 'Verdict', 'Seeing', 'Since', 'Last result']}>
            {m.state.vantages.map((v) => (
              <tr key={v.vantage} data-vantage={v.vantage}>
                <td>{v.vantage}</td>
                <td data-testid="vantage-role">{localizeInstants(v.role)}</td>
                <td>{v.verdict}</td>
                <td>
                  {v.seeing} ×{v.streak}
                </td>
                <td>{when(v.since)}</td>
                <td>
                  {when(v.at)}
                  {v.fresh ? '' : ' (stale: not counted)'} — {localizeInstants(v.reason)}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
      <ResponseTimes monitorId={m.id} intervalMs={m.intervalMs} />
      <UptimePerDay subject={{ kind: 'monitor', id: m.id }} />
      <h2>State changes</h2>
      {data.stateChanges.nodes.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <DataTable head={['Confirmed', 'Began', 'Change', 'Why']} caption={`The last ${data.stateChanges.nodes.length} of ${data.stateChanges.totalCount} state changes`}>
          {data.stateChanges.nodes.map((c) => (
            <tr key={c.id} data-testid="state-change">
              <td>{when(c.at)}</td>
              <td>{when(c.effectiveAt)}</td>
              <td>
                <StatusBadge state={c.fromHealth} compact /> → <StatusBadge state={c.toHealth} /> {c.flapping && 'flapping'}
              </td>
              <td>{localizeInstants(c.reason)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Incidents</h2>
      {data.incidents.nodes.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <DataTable head={['Status', 'Opened', 'Resolved', 'Why']}>
          {data.incidents.nodes.map((i) => (
            <tr key={i.id}>
              <td>
                <StatusBadge state={i.status === 'open' ? 'down' : 'up'} /> {i.status}
              </td>
              <td>
                <Link to={`/incidents/${i.id}`}>{when(i.openedAt)}</Link>
              </td>
              <td>{when(i.resolvedAt)}</td>
              <td>{localizeInstants(i.openReason)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Configuration</h2>
      <p className="muted">Credentials read “&lt;sealed&gt;”: they are write-only.</p>
      <pre className="config" data-testid="monitor-config">
        {JSON.stringify(m.config, null, 2)}
      </pre>
      {/* Where it is probed from comes with its configuration, below what an operator looks at first. */}
      <MonitorVantages monitorId={m.id} />
      {canEdit && (
        <div className="cards">
          <MonitorForm hosts={data.hosts.nodes} services={data.services.nodes} monitor={m} onSaved={() => refetch({ requestPolicy: 'network-only' })} />
        </div>
      )}
    </Page>
  );
}

function MonitorActions({ monitor, onChanged }: { monitor: MonitorData['monitor']; onChanged: () => void }) {
  const canAct = useCan('operator');
  const [probe, probeNow] = useMutation<{ probeNow: { status: string; latencyMs: number; reason: string; at: string } }>(
    'mutation Probe($id: ID!) { probeNow(monitorId: $id) { status latencyMs reason at } }',
  );
  const [toggle, setEnabled] = useMutation('mutation Enable($id: ID!, $enabled: Boolean!) { updateMonitor(id: $id, input: { enabled: $enabled }) { id enabled } }');
  if (!canAct) return null;
  const result = probe.data?.probeNow;
  return (
    <>
      <button type="button" disabled={probe.fetching} onClick={() => probeNow({ id: monitor.id })}>
        {probe.fetching ? 'Probing…' : 'Probe now'}
      </button>
      <button type="button" disabled={toggle.fetching} onClick={() => setEnabled({ id: monitor.id, enabled: !monitor.enabled }).then(onChanged)}>
        {monitor.enabled ? 'Pause' : 'Resume'}
      </button>
      <DeleteMonitor monitor={monitor} />
      {result && (
        <span role="status" data-testid="probe-result">
          {result.status}, {Math.round(result.latencyMs)} ms — {localizeInstants(result.reason)}
        </span>
      )}
      <QueryError error={probe.error ?? toggle.error} />
    </>
  );
}

/** Response times per minute over the chosen range, from the rollups (latencySeries). */
function ResponseTimes({ monitorId, intervalMs }: { monitorId: string; intervalMs: number }) {
  const [range, setRange] = useState<Range>('day');
  // The range's end is fixed when it is chosen, so a re-render does not ask again.
  const variables = useMemo(() => {
    const to = Date.now();
    const span = RANGES.find(([key]) => key === range)![2];
    return { id: monitorId, from: new Date(to - span).toISOString(), to: new Date(to).toISOString() };
  }, [monitorId, range]);
  const [{ data, fetching, error }] = useQuery<{ latencySeries: LatencyColumns }>({
    query: 'query Latency($id: ID!, $from: DateTime!, $to: DateTime!) { latencySeries(monitorId: $id, from: $from, to: $to) { minuteMs p50 p95 count failures } }',
    variables,
  });
  const series = data?.latencySeries;
  const label = RANGES.find(([key]) => key === range)![1];
  return (
    <section aria-labelledby="latency-title">
      <h2 id="latency-title">Response time</h2>
      <div className="segmented" role="group" aria-label="Period">
        {RANGES.map(([key, text]) => (
          <button key={key} type="button" aria-pressed={range === key} onClick={() => setRange(key)}>
            {text}
          </button>
        ))}
      </div>
      <QueryError error={error} />
      {fetching && !series ? (
        <Loading what="response times" />
      ) : series && series.minuteMs.length > 0 ? (
        <>
          <LatencyChart series={series} intervalMs={intervalMs} label={`Response time per minute, ${label.toLowerCase()}: median and 95th percentile in ms, failed results as red bars`} />
          <p className="muted" data-testid="latency-summary">{summary(series)}</p>
        </>
      ) : (
        <p className="muted">No results in this period.</p>
      )}
    </section>
  );
}

/** The same figures in words, for screen readers and for copying: minutes with results, failures, median of medians. */
function summary(series: LatencyColumns): string {
  const medians = series.p50.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const mid = medians.length ? medians[Math.floor(medians.length / 2)]! : null;
  const failedMinutes = series.failures.filter((f) => f > 0).length;
  const results = series.count.reduce((a, b) => a + b, 0);
  return `${series.minuteMs.length.toLocaleString('en')} minutes with results (${results.toLocaleString('en')} results); typical median ${mid === null ? '—' : `${mid} ms`}; ${failedMinutes.toLocaleString('en')} minutes with failures.`;
}

/** Delete says what it does before it does it: never probed again, its history kept for the reports. */
function DeleteMonitor({ monitor }: { monitor: MonitorData['monitor'] }) {
  return <DeleteOrPurge kind="monitor" id={monitor.id} name={monitor.name} then={`/hosts/${monitor.host.id}`} consequences={`Delete ${monitor.name}? It is never probed again and an incident it has open is closed. Past reports still count it for the time it existed; a purge removes it for good.`} />;
}
