import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { BulkError } from '../components/bulk-error.js';
import { Loading, Page, QueryError } from '../components/form.js';
import { useLiveFleet } from '../api/live-fleet.js';
import { StatusBadge } from '../components/status-badge.js';
import { countByState, type FleetFilter, flatten, type ListRow } from '../lib/fleet.js';
import { forHowLong, localizeInstants, when } from '../lib/format.js';
import { type DisplayState, STATE_LABEL } from '../lib/states.js';
import { useCan } from '../session-context.js';

/** The API's limit on one bulk action (BULK_LIMIT in libs/inventory). */
const BULK_LIMIT = 1000;

const ROW_HEIGHT = 36;

export function FleetPage() {
  const { rows, total, fetching, error, index, reload } = useLiveFleet();
  const [filter, setFilter] = useState<FleetFilter>({ search: '', state: 'all', siteId: 'all' });
  const deferredFilter = useDeferredValue(filter);

  // Tags and customers are searched on the server, a quarter second after the typing stops.
  const needle = useDebounced(filter.search.trim(), 250);
  const [{ data: found }] = useQuery<{ fleetSearch: string[] }>({ query: 'query FleetSearch($text: String!) { fleetSearch(text: $text) }', variables: { text: needle }, pause: needle.length < 2 });
  const matchedIds = useMemo(() => (needle.length >= 2 && found ? new Set(found.fleetSearch) : undefined), [found, needle]);
  const list = useMemo(() => flatten(rows, { ...deferredFilter, matchedIds }), [rows, deferredFilter, matchedIds]);
  const counts = useMemo(() => countByState(rows), [rows]);
  const sites = useMemo(() => [...new Map(rows.map((r) => [r.siteId ?? 'none', r.siteName ?? 'No site'])).entries()], [rows]);
  const shown = list.filter((r) => r.kind === 'monitor').length;
  const canEdit = useCan('operator');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Page
      title="Fleet"
      actions={
        <Link to="/wall" title="The NOC screen: problems first in large type, live, no controls">
          Wall mode
        </Link>
      }
    >
      <QueryError error={error} />
      <div className="summary" role="group" aria-label="Monitors by state">
        {counts
          .filter((c) => c.count > 0 || ['down', 'up'].includes(c.state))
          .map((c) => (
            <button
              key={c.state}
              type="button"
              className={`summary-item summary-${c.state}`}
              aria-pressed={filter.state === c.state}
              onClick={() => setFilter((f) => ({ ...f, state: f.state === c.state ? 'all' : c.state }))}
            >
              <StatusBadge state={c.state} compact /> <strong data-testid={`count-${c.state}`}>{c.count}</strong> {STATE_LABEL[c.state]}
            </button>
          ))}
      </div>
      <div className="toolbar" role="search">
        <label>
          Search
          <input type="search" aria-label="Search" placeholder="site, host, service, monitor, customer or tag" value={filter.search} onChange={(e) => setFilter((f) => ({ ...f, search: e.target.value }))} />
        </label>
        <label>
          State
          <select aria-label="State" value={filter.state} onChange={(e) => setFilter((f) => ({ ...f, state: e.target.value as FleetFilter['state'] }))}>
            <option value="all">All</option>
            <option value="problems">Problems only</option>
            {(Object.keys(STATE_LABEL) as DisplayState[]).map((s) => (
              <option key={s} value={s}>
                {STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Site
          <select aria-label="Site" value={filter.siteId} onChange={(e) => setFilter((f) => ({ ...f, siteId: e.target.value }))}>
            <option value="all">All sites</option>
            {sites.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" role="status" aria-live="polite">
          {shown} of {rows.length} monitors{total !== undefined && total > rows.length ? ` (fleet has ${total}; first ${rows.length} shown)` : ''}
        </span>
      </div>
      {canEdit && rows.length > 0 && (
        <BulkMonitors
          shown={list.flatMap((r) => (r.kind === 'monitor' ? [r.row.monitorId] : []))}
          selected={selected}
          setSelected={setSelected}
          nameOf={(id) => {
            // Named on its host: "Delete web-1 / http, web-2 / http" says which two.
            const row = rows[index.current.get(id) ?? -1];
            return row ? `${row.hostName} / ${row.monitorName}` : id;
          }}
          onDone={reload}
        />
      )}
      {fetching && !rows.length ? <Loading what="the fleet" /> : <FleetList list={list} total={shown} selection={canEdit ? { selected, toggle } : undefined} />}
      {!fetching && !rows.length && !error && (
        <p>
          No monitors yet. <Link to="/hosts">Add a host and its monitors</Link>.
        </p>
      )}
    </Page>
  );
}

/** Only the rows in view are in the DOM: 10,000 monitors scroll like 30. */
interface Selection {
  selected: ReadonlySet<string>;
  toggle(id: string): void;
}

function FleetList({ list, total, selection }: { list: ListRow[]; total: number; selection?: Selection }) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: list.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const positions = useMemo(() => {
    let n = 0;
    return list.map((r) => (r.kind === 'monitor' ? ++n : 0));
  }, [list]);
  return (
    <div ref={parent} className="fleet-list" role="list" aria-label={`Fleet, ${total} monitors`} data-testid="fleet-list">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = list[item.index]!;
          return (
            <div
              key={row.key}
              role="listitem"
              aria-setsize={row.kind === 'monitor' ? total : undefined}
              aria-posinset={row.kind === 'monitor' ? positions[item.index] : undefined}
              className={`fleet-row fleet-${row.kind}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              data-monitor={row.kind === 'monitor' ? row.row.monitorName : undefined}
              data-state={row.state}
            >
              <FleetRowView row={row} selection={selection} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function FleetRowView({ row, selection }: { row: ListRow; selection?: Selection }) {
  if (row.kind === 'site') {
    return (
      <>
        <StatusBadge state={row.state} compact />
        <strong className="site-name">{row.name}</strong>
        <span className="muted">
          {row.count} monitor{row.count === 1 ? '' : 's'}
        </span>
      </>
    );
  }
  if (row.kind === 'host') {
    return (
      <>
        <StatusBadge state={row.state} compact />
        <strong>
          <Link to={`/hosts/${row.hostId}`}>{row.name}</Link>
        </strong>
        <span className="muted">
          {row.count} monitor{row.count === 1 ? '' : 's'}
        </span>
      </>
    );
  }
  const m = row.row;
  return (
    <>
      {selection && <input type="checkbox" aria-label={`Select ${m.hostName} / ${m.monitorName}`} checked={selection.selected.has(m.monitorId)} onChange={() => selection.toggle(m.monitorId)} />}
      <StatusBadge state={row.state} />
      {m.flapping && row.state === 'down' ? <span className="badge badge-flapping" data-qualifier="flapping" title="Down, and it changed state often in the last 10 minutes">≈ flapping</span> : null}
      <span className="monitor-name">
        {m.serviceName ? <span className="muted">{m.serviceName} · </span> : null}
        {/* The whole of what the row cuts (a phone drops type and reason, long names end in …): on a long press or hover, and as the monitor page's heading one tap away. */}
        <Link to={`/monitors/${m.monitorId}`} title={`${m.serviceName ? `${m.serviceName} · ` : ''}${m.monitorName} (${m.type}) on ${m.hostName}${m.reason ? ` — ${localizeInstants(m.reason)}` : ''}`}>
          {m.monitorName}
        </Link>
      </span>
      <span className="muted type">{m.type}</span>
      <span className="reason" title={m.reason ? localizeInstants(m.reason) : ''}>
        {m.reason && localizeInstants(m.reason)}
      </span>
      {/* "for 5 min": how long it has been in this state (a bare "5 min ago" beside a state read as the last check). */}
      <span className="muted since" title={m.since ? `in this state since ${when(m.since)}` : 'no state change recorded yet'}>
        {forHowLong(m.since)}
      </span>
    </>
  );
}

/** `value`, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Actions on the selected monitors: pause, resume, delete — each one all-or-nothing call. "Select the N shown" takes
 * what the search and filters show (e.g. every monitor of a customer before its maintenance).
 */
function BulkMonitors({
  shown,
  selected,
  setSelected,
  nameOf,
  onDone,
}: {
  shown: string[];
  selected: ReadonlySet<string>;
  setSelected: (next: Set<string>) => void;
  nameOf: (id: string) => string;
  onDone: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [said, setSaid] = useState('');
  const [enabledResult, setEnabled] = useMutation<{ setMonitorsEnabled: number }>('mutation Enable($ids: [ID!]!, $enabled: Boolean!) { setMonitorsEnabled(ids: $ids, enabled: $enabled) }');
  const [deleted, remove] = useMutation<{ deleteMonitors: number }>('mutation DeleteMonitors($ids: [ID!]!) { deleteMonitors(ids: $ids) }');
  // Only what is shown is acted on: a selection made before the search changed does not reach hidden monitors.
  const shownSet = new Set(shown);
  const ids = [...selected].filter((id) => shownSet.has(id));
  const hidden = selected.size - ids.length;
  const count = `${ids.length} monitor${ids.length === 1 ? '' : 's'}`;
  const tooMany = ids.length > BULK_LIMIT;
  const error = enabledResult.error ?? deleted.error;
  const run = async (action: () => Promise<{ error?: unknown }>, words: string, clear: boolean) => {
    const res = await action();
    if (!res.error) {
      setSaid(words);
      if (clear) setSelected(new Set());
      onDone();
    }
  };
  return (
    <div role="toolbar" aria-label="With the selected monitors" className="bulk-bar">
      <button type="button" onClick={() => setSelected(new Set(shown))} disabled={!shown.length}>
        Select the {shown.length} shown
      </button>
      {ids.length > 0 && (
        <>
          <strong>{count} selected</strong>
          {hidden > 0 && <span className="muted">({hidden} more selected but not shown: left alone)</span>}
          {tooMany && <span className="error">At most {BULK_LIMIT} at a time: narrow the search.</span>}
          <button type="button" onClick={() => setSelected(new Set())}>
            Clear
          </button>
          <button type="button" disabled={enabledResult.fetching || tooMany} onClick={() => run(() => setEnabled({ ids, enabled: false }), `${count} paused.`, false)}>
            Pause
          </button>
          <button type="button" disabled={enabledResult.fetching || tooMany} onClick={() => run(() => setEnabled({ ids, enabled: true }), `${count} resumed.`, false)}>
            Resume
          </button>
          {!asking ? (
            <button type="button" className="danger" disabled={tooMany} onClick={() => setAsking(true)}>
              Delete…
            </button>
          ) : (
            <span role="alertdialog" aria-label={`Delete ${count}?`} className="confirm">
              <span data-testid="bulk-delete-consequences">
                Delete {ids.slice(0, 10).map(nameOf).join(', ')}
                {ids.length > 10 ? ` and ${ids.length - 10} more` : ''}? They are never probed again; past reports still count them for the time they existed.
              </span>
              <button type="button" className="danger" disabled={deleted.fetching} onClick={() => run(() => remove({ ids }), `${count} deleted.`, true).then(() => setAsking(false))}>
                Delete {count}
              </button>
              <button type="button" onClick={() => setAsking(false)}>
                Keep them
              </button>
            </span>
          )}
        </>
      )}
      {said && (
        <span role="status" className="muted">
          {said}
        </span>
      )}
      {error && <BulkError error={error} names={ids.map(nameOf)} />}
    </div>
  );
}
