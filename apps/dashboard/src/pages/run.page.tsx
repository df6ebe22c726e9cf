import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { useRefetchOnReconnect } from '../api/live.js';
import { Loading, Page, QueryError } from '../components/form.js';
import { RunStatusBadge } from '../components/status-badge.js';
import { localizeInstants, when } from '../lib/format.js';
import { useCan } from '../session-context.js';

const RUN = `query Run($id: ID!) { run(id: $id) {
  id runbookName runbookVersion status statusReason trigger actor createdAt startedAt finishedAt incidentId resourceId claims params
  steps { id index name type phase status attempt exitCode error stdout stderr startedAt finishedAt approvedBy
    actions { kind target command exitCode ok note ms } } } }`;
const LIVE = 'subscription RunLive($id: ID!) { runUpdated(runId: $id) { kind status step stream text } }';

interface Step {
  id: string;
  index: number;
  name: string;
  type: string;
  phase: string;
  status: string;
  attempt: number;
  exitCode: number | null;
  error: string | null;
  stdout: string;
  stderr: string;
  startedAt: string;
  finishedAt: string | null;
  approvedBy: string | null;
  actions: { kind: string; target: string; command: string; exitCode: number | null; ok: boolean | null; note: string | null; ms: number | null }[];
}
interface RunData {
  run: {
    id: string;
    runbookName: string;
    runbookVersion: number | null;
    status: string;
    statusReason: string | null;
    trigger: string;
    actor: string;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    incidentId: string | null;
    resourceId: string | null;
    claims: number;
    params: Record<string, unknown>;
    steps: Step[];
  };
}
interface RunEvent {
  runUpdated: { kind: string; status: string | null; step: string | null; stream: string | null; text: string | null };
}

const ACTIVE = ['pending', 'running', 'waiting_approval', 'needs_operator'];

export function RunPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<RunData>({ query: RUN, variables: { id } });
  const [live, setLive] = useState<{ step: string; stream: string; text: string }[]>([]);
  const [approved, approve] = useMutation('mutation Approve($id: ID!) { approveRun(id: $id) { id status } }');
  const [aborted, abort] = useMutation('mutation Abort($id: ID!) { abortRun(id: $id) { id status } }');
  const canAct = useCan('operator');
  useRefetchOnReconnect(refetch);
  // Output arrives line by line while a step runs; checkpoints and status changes re-read the run (the record of truth).
  useSubscription<RunEvent>({ query: LIVE, variables: { id } }, (_p, event) => {
    const u = event.runUpdated;
    if (u.kind === 'output' && u.text) setLive((lines) => [...lines.slice(-500), { step: u.step ?? '', stream: u.stream ?? 'stdout', text: u.text! }]);
    else refetch({ requestPolicy: 'network-only' });
    return event;
  });

  if (fetching && !data) return <Loading what="the run" />;
  if (!data) return <QueryError error={error} />;
  const run = data.run;
  const act = (fn: typeof approve) => () => fn({ id: run.id }).then(() => refetch({ requestPolicy: 'network-only' }));
  return (
    <Page
      title={`Run of ${run.runbookName}`}
      actions={
        canAct && (
          <>
            {['waiting_approval', 'needs_operator'].includes(run.status) && (
              <button type="button" className="primary" disabled={approved.fetching} onClick={act(approve)}>
                Approve
              </button>
            )}
            {ACTIVE.includes(run.status) && (
              <button type="button" className="danger" disabled={aborted.fetching} onClick={act(abort)}>
                Abort
              </button>
            )}
          </>
        )
      }
    >
      <QueryError error={approved.error ?? aborted.error} />
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="run-status">
          <RunStatusBadge status={run.status} /> {run.statusReason && localizeInstants(run.statusReason)}
        </dd>
        <dt>Started by</dt>
        <dd>
          {run.trigger}, {run.actor} — {when(run.createdAt)}
        </dd>
        {run.incidentId && (
          <>
            <dt>Incident</dt>
            <dd>
              <Link to={`/incidents/${run.incidentId}`}>open the incident</Link>
            </dd>
          </>
        )}
        <dt>Parameters</dt>
        <dd>
          <code>{JSON.stringify(run.params)}</code>
        </dd>
        {run.claims > 1 && (
          <>
            <dt>Claims</dt>
            <dd>{run.claims} (a run is claimed again after each approval, and when a watchdog stopped mid-run)</dd>
          </>
        )}
      </dl>
      <h2>Steps</h2>
      <ol className="steps">
        {run.steps.map((s) => (
          <li key={s.id} data-step={s.name} data-status={s.status}>
            <div>
              <RunStatusBadge status={stepStatus(s.status)} /> <strong>{s.name}</strong> <span className="muted">{s.type}{s.phase !== 'main' ? ` (${s.phase})` : ''}</span>
              {s.attempt > 1 && <span className="tag">attempt {s.attempt}</span>}
              {s.approvedBy && <span className="muted"> approved by {s.approvedBy}</span>}
            </div>
            {s.error && <p className={s.status === 'waiting' ? 'waiting-note' : 'error'}>{s.error}</p>}
            {s.actions.map((a, i) => (
              <div key={i} className="action">
                <span className="muted">
                  {a.kind} → {a.target} {a.exitCode !== null ? `exit ${a.exitCode}` : ''} {a.ms !== null ? `${a.ms} ms` : ''} {a.note ?? ''}
                </span>
                <pre>{a.command}</pre>
              </div>
            ))}
            {(s.stdout || s.stderr) && (
              <pre className="output" aria-label={`Output of ${s.name}`}>
                {s.stdout}
                {s.stderr && <span className="stderr">{s.stderr}</span>}
              </pre>
            )}
          </li>
        ))}
      </ol>
      {live.length > 0 && ACTIVE.includes(run.status) && (
        <>
          <h2>Live output</h2>
          <pre className="output" aria-live="polite" data-testid="live-output">
            {live.map((l, i) => (
              <span key={i} className={l.stream === 'stderr' ? 'stderr' : undefined}>
                [{l.step}] {l.text}
              </span>
            ))}
          </pre>
        </>
      )}
    </Page>
  );
}

function stepStatus(status: string): string {
  return ({ waiting: 'waiting_approval', unknown: 'needs_operator', skipped: 'aborted' } as Record<string, string>)[status] ?? status;
}
