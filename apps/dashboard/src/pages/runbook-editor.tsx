import { useEffect, useId, useState } from 'react';
import { type CombinedError, useClient } from 'urql';
import { QueryError } from '../components/form.js';

const VALIDATE = 'query Validate($input: RunbookSourceInput!) { validateRunbook(input: $input) { path message } }';

interface DocumentError {
  path: string;
  message: string;
}

/**
 * YAML or JSON source with the API's validation shown as you type (debounced), each error naming its step and
 * field; saving is refused by the API with the same errors, so nothing invalid is ever stored.
 */
export function RunbookEditor(props: { initial: string; onSave: (source: string) => Promise<void>; saving: boolean; saveError?: CombinedError; saveLabel: string; readOnly?: boolean }) {
  const client = useClient();
  const id = useId();
  const [source, setSource] = useState(props.initial);
  const [problems, setProblems] = useState<DocumentError[] | null>(null);
  useEffect(() => setSource(props.initial), [props.initial]);
  useEffect(() => {
    const timer = setTimeout(async () => {
      const res = await client.query<{ validateRunbook: DocumentError[] }>(VALIDATE, { input: { source } }, { requestPolicy: 'network-only' }).toPromise();
      setProblems(res.data?.validateRunbook ?? (res.error ? [{ path: 'document', message: res.error.message.replace(/^\[GraphQL\] /, '') }] : null));
    }, 300);
    return () => clearTimeout(timer);
  }, [client, source]);

  return (
    <div className="editor">
      <label htmlFor={id}>Runbook (YAML or JSON)</label>
      <textarea
        id={id}
        className="code"
        rows={Math.min(30, Math.max(10, source.split('\n').length + 1))}
        spellCheck={false}
        readOnly={props.readOnly}
        aria-invalid={!!problems?.length}
        aria-describedby={`${id}-problems`}
        value={source}
        onChange={(e) => setSource(e.target.value)}
      />
      <div id={`${id}-problems`} aria-live="polite">
        {problems === null ? null : problems.length === 0 ? (
          <p className="ok" data-testid="runbook-valid">
            ✓ Valid
          </p>
        ) : (
          <ul className="problems" data-testid="runbook-problems">
            {problems.map((p) => (
              <li key={`${p.path}:${p.message}`} className="error">
                <code>{p.path}</code>: {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <QueryError error={props.saveError} />
      {!props.readOnly && (
        <button type="button" className="primary" disabled={props.saving || !!problems?.length} onClick={() => props.onSave(source)}>
          {props.saveLabel}
        </button>
      )}
    </div>
  );
}
