import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { formErrors, type FormErrors, NO_ERRORS } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { RunStatusBadge } from '../components/status-badge.js';
import { when } from '../lib/format.js';
import { useCan } from '../session-context.js';
import { RunbookEditor } from './runbook-editor.js';

const RUNBOOK = `query Runbook($id: ID!) {
  runbook(id: $id) { id name description version builtin current { source definition } }
  resources(first: 200) { nodes { id name kind } }
  runs(first: 20, filter: { runbookId: $id }) { nodes { id status trigger actor createdAt } }
}`;
const DRY_RUN = `query DryRun($input: DryRunInput!) { dryRunRunbook(input: $input) {
  name type path idempotent actions { kind target command } compensate { name type actions { kind target command } } } }`;

interface ParamSpec {
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}
interface RunbookData {
  runbook: { id: string; name: string; description: string; version: number; builtin: boolean; current: { source: string; definition: { params?: Record<string, ParamSpec> } } };
  resources: { nodes: { id: string; name: string; kind: string }[] };
  runs: { nodes: { id: string; status: string; trigger: string; actor: string; createdAt: string }[] };
}
interface Preview {
  name: string;
  type: string;
  path: string;
  idempotent: boolean;
  actions: { kind: string; target: string; command: string }[];
}

export function RunbookPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<RunbookData>({ query: RUNBOOK, variables: { id } });
  const [saved, save] = useMutation('mutation Save($id: ID!, $input: RunbookSourceInput!) { updateRunbook(id: $id, input: $input) { id version } }');
  const canRun = useCan('operator');
  if (fetching && !data) return <Loading what="the runbook" />;
  if (!data) return <QueryError error={error} />;
  const rb = data.runbook;
  return (
    <Page title={`${rb.name} (v${rb.version})`}>
      <p>{rb.description}</p>
      <RunForm runbook={rb} resources={data.resources.nodes} canRun={canRun} />
      <h2>Runs</h2>
      <ul className="plain">
        {data.runs.nodes.length === 0 && <li className="muted">Never run.</li>}
        {data.runs.nodes.map((r) => (
          <li key={r.id}>
            <RunStatusBadge status={r.status} /> <Link to={`/runs/${r.id}`}>{when(r.createdAt)}</Link> — {r.trigger} by {r.actor}
          </li>
        ))}
      </ul>
      <h2>Definition</h2>
      <RunbookEditor
        initial={rb.current.source}
        readOnly={!canRun}
        saving={saved.fetching}
        saveError={saved.error}
        saveLabel="Save new version"
        onSave={async (source) => {
          const res = await save({ id: rb.id, input: { source } });
          if (!res.error) refetch({ requestPolicy: 'network-only' });
        }}
      />
    </Page>
  );
}

function RunForm({ runbook, resources, canRun }: { runbook: RunbookData['runbook']; resources: RunbookData['resources']['nodes']; canRun: boolean }) {
  const client = useClient();
  const navigate = useNavigate();
  const specs = Object.entries(runbook.current.definition.params ?? {});
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(specs.map(([name, s]) => [name, s.default === undefined ? '' : String(s.default)])));
  const [resourceId, setResourceId] = useState('');
  const [force, setForce] = useState(false);
  const [preview, setPreview] = useState<Preview[] | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [started, start] = useMutation<{ startRun: { id: string } }>('mutation Start($input: StartRunInput!) { startRun(input: $input) { id } }');
  const known = [...specs.map(([n]) => `params.${n}`), 'resourceId', 'params'];

  const params = () => Object.fromEntries(specs.filter(([n]) => values[n] !== '').map(([n, s]) => [n, s.type === 'int' ? Number(values[n]) : s.type === 'bool' ? values[n] === 'true' : values[n]]));
  const input = () => ({ runbookId: runbook.id, params: params(), ...(resourceId ? { resourceId } : {}) });

  const dryRun = async (event?: FormEvent) => {
    event?.preventDefault();
    const res = await client.query<{ dryRunRunbook: Preview[] }>(DRY_RUN, { input: input() }, { requestPolicy: 'network-only' }).toPromise();
    setErrors(formErrors(res.error, known));
    setPreview(res.data?.dryRunRunbook ?? null);
  };
  const run = async () => {
    const res = await start({ input: { ...input(), force } });
    setErrors(formErrors(res.error, known));
    if (res.data) navigate(`/runs/${res.data.startRun.id}`);
  };

  return (
    <form className="card" onSubmit={dryRun} aria-label="Run this runbook">
      <h2>Parameters</h2>
      <FormErrorList errors={errors} />
      <div className="grid-form">
        {specs.map(([name, spec]) => (
          <Field key={name} label={`${name}${spec.required ? ' *' : ''} (${spec.type})`} hint={spec.description} error={errors.fields[`params.${name}`]}>
            {(p) => <input {...p} name={name} value={values[name] ?? ''} onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))} />}
          </Field>
        ))}
        <Field label="Resource" error={errors.fields.resourceId} hint="The failover unit the run acts on, when the runbook uses {{ resource.* }}">
          {(p) => (
            <select {...p} value={resourceId} onChange={(e) => setResourceId(e.target.value)}>
              <option value="">none</option>
              {resources.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.kind})
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="buttons">
        <button type="submit">Dry run</button>
        {canRun && (
          <>
            <label className="check">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> ignore the cooldown
            </label>
            <button type="button" className="danger" disabled={started.fetching} onClick={run}>
              Run now
            </button>
          </>
        )}
      </div>
      {preview && (
        <section aria-label="Dry-run preview" data-testid="dry-run">
          <h3>Dry run: what would be executed</h3>
          <ol className="preview">
            {preview.map((step) => (
              <li key={step.path}>
                <strong>{step.name}</strong> <span className="muted">{step.type}</span>
                {!step.idempotent && <span className="tag">not safe to repeat</span>}
                <ul>
                  {step.actions.map((a, i) => (
                    <li key={i}>
                      <span className="muted">{a.kind} → {a.target}</span>
                      <pre>{a.command}</pre>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </section>
      )}
    </form>
  );
}
