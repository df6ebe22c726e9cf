import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Loading, Page, QueryError } from '../components/form.js';
import { RunStatusBadge } from '../components/status-badge.js';
import { DataTable } from '../components/table.js';
import { when } from '../lib/format.js';
import { useCan } from '../session-context.js';
import { RunbookEditor } from './runbook-editor.js';

const RUNBOOKS = `query Runbooks { runbooks(first: 200) { nodes { id name description version builtin scheduleEveryMinutes updatedAt } }
  runs(first: 20) { nodes { id runbookName status trigger actor createdAt } } }`;

interface RunbooksData {
  runbooks: { nodes: { id: string; name: string; description: string; version: number; builtin: boolean; scheduleEveryMinutes: number | null; updatedAt: string }[] };
  runs: { nodes: { id: string; runbookName: string; status: string; trigger: string; actor: string; createdAt: string }[] };
}

const EXAMPLE = `name: check-web
description: Ask the web site for its health page
params:
  url: { type: string, required: true }
steps:
  - name: health
    type: http.request
    with: { method: GET, url: "{{ params.url }}", expect_status: 200 }
`;

export function RunbooksPage() {
  const [{ data, fetching, error }] = useQuery<RunbooksData>({ query: RUNBOOKS });
  const canEdit = useCan('operator');
  const navigate = useNavigate();
  const [created, create] = useMutation<{ createRunbook: { id: string } }>('mutation Create($input: RunbookSourceInput!) { createRunbook(input: $input) { id } }');
  return (
    <Page title="Runbooks">
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="runbooks" />
      ) : (
        <DataTable head={['Name', 'Description', 'Version', 'Schedule', 'Changed']}>
              {data?.runbooks.nodes.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/runbooks/${r.id}`}>{r.name}</Link>
                    {r.builtin && <span className="tag">built-in</span>}
                  </td>
                  <td>{r.description}</td>
                  <td>v{r.version}</td>
                  <td>{r.scheduleEveryMinutes ? `every ${r.scheduleEveryMinutes} min` : '—'}</td>
                  <td>{when(r.updatedAt)}</td>
                </tr>
              ))}
        </DataTable>
      )}
      <h2>Recent runs</h2>
      <ul className="plain">
        {data?.runs.nodes.map((r) => (
          <li key={r.id}>
            <RunStatusBadge status={r.status} /> <Link to={`/runs/${r.id}`}>{r.runbookName}</Link> — {r.trigger} by {r.actor}, {when(r.createdAt)}
          </li>
        ))}
      </ul>
      {canEdit && (
        <>
          <h2>New runbook</h2>
          <RunbookEditor
            initial={EXAMPLE}
            saving={created.fetching}
            saveError={created.error}
            onSave={async (source) => {
              const res = await create({ input: { source } });
              if (res.data) navigate(`/runbooks/${res.data.createRunbook.id}`);
            }}
            saveLabel="Create runbook"
          />
        </>
      )}
    </Page>
  );
}
