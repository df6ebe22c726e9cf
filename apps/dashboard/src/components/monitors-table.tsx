import { Link } from 'react-router';
import { ago, localizeInstants } from '../lib/format.js';
import type { DisplayState } from '../lib/states.js';
import { StatusBadge } from './status-badge.js';
import { DataTable } from './table.js';

export interface MonitorRow {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  state: { health: DisplayState; since: string; reason: string } | null;
  service?: { name: string } | null;
}

/** A host's or a service's monitors: health, name (linked to its page), type, since when, why. */
export function MonitorsTable({ monitors }: { monitors: MonitorRow[] }) {
  if (monitors.length === 0) return <p className="muted">None yet. Add one on the Hosts page.</p>;
  return (
    <DataTable head={['Health', 'Monitor', 'Type', 'Since', 'Why']}>
      {monitors.map((m) => (
        <tr key={m.id} data-monitor={m.name}>
          <td>
            <StatusBadge state={!m.enabled ? 'disabled' : (m.state?.health ?? 'unknown')} />
          </td>
          <td>
            {m.service && <span className="muted">{m.service.name} · </span>}
            <Link to={`/monitors/${m.id}`}>{m.name}</Link>
          </td>
          <td>{m.type}</td>
          <td>{ago(m.state?.since)}</td>
          <td>{m.state?.reason ? localizeInstants(m.state.reason) : '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
