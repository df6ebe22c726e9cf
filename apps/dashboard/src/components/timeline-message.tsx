import { Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';
import { localizeInstants } from '../lib/format.js';

/** "run 6f0c…-uuid" inside a line: the run's page is one click away, and the id is short enough to read. */
const RUN_ID = /\brun ([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/**
 * One timeline line as an operator reads it: instants in the display zone, run ids as links to the run, and the
 * line's kind not said twice (the server writes "runbook web-failover (run …) succeeded" for alerts and logs,
 * where no kind column stands beside it).
 */
export function TimelineMessage({ kind, message }: { kind: string; message: string }): ReactNode {
  const text = localizeInstants(message.startsWith(`${kind} `) ? message.slice(kind.length + 1) : message);
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(RUN_ID)) {
    const at = match.index ?? 0;
    parts.push(text.slice(last, at));
    const id = match[0].slice('run '.length);
    parts.push(
      <Fragment key={at}>
        run <Link to={`/runs/${id}`} title={id}>{match[1]}</Link>
      </Fragment>,
    );
    last = at + match[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
