import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, QueryError } from './form.js';
import { configOf, type SettingField, SETTING_FIELD, SettingFields } from './setting-fields.js';

interface ProbeTypeInfo {
  type: string;
  description: string;
  fields: SettingField[];
}

export const PROBE_TYPES_QUERY = `query ProbeTypes { probeTypes { type description fields { ${SETTING_FIELD} } } }`;

/** The monitor being edited, as the API returns it (its credentials read "<sealed>"). */
export interface EditedMonitor {
  id: string;
  name: string;
  type: string;
  hostId: string;
  serviceId: string | null;
  intervalMs: number;
  timeoutMs: number;
  config: Record<string, unknown>;
}

/**
 * A monitor of any probe type: its type's settings are drawn from the probes registry (`probeTypes`), so each type has
 * its own typed form and a new type needs no dashboard change. Credentials are write-only. Errors come from the API and
 * are shown at their field; nothing is saved unless the whole monitor passes.
 */
export function MonitorForm({
  hosts,
  services,
  monitor,
  onSaved,
}: {
  hosts: { id: string; name: string }[];
  services: { id: string; name: string; hostId: string }[];
  monitor?: EditedMonitor;
  onSaved: (id: string) => void;
}) {
  const editing = !!monitor;
  const [{ data: types, error: typesError }] = useQuery<{ probeTypes: ProbeTypeInfo[] }>({ query: PROBE_TYPES_QUERY });
  const [type, setType] = useState(monitor?.type ?? 'http');
  const [chosenHost, setHostId] = useState(monitor?.hostId ?? '');
  const hostId = chosenHost || (hosts[0]?.id ?? '');
  const [serviceId, setServiceId] = useState(monitor?.serviceId ?? '');
  const [name, setName] = useState(monitor?.name ?? '');
  const [intervalMs, setIntervalMs] = useState(String(monitor?.intervalMs ?? 10000));
  const [timeoutMs, setTimeoutMs] = useState(String(monitor?.timeoutMs ?? 3000));
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  // What was just added, said beside the button (the form empties itself, and a newcomer must see it worked).
  const [added, setAdded] = useState<{ id: string; name: string } | null>(null);
  const [created, create] = useMutation<{ createMonitor: { id: string } }>('mutation CreateMonitor($input: CreateMonitorInput!) { createMonitor(input: $input) { id } }');
  const [updated, update] = useMutation<{ updateMonitor: { id: string } }>('mutation UpdateMonitor($id: ID!, $input: UpdateMonitorInput!) { updateMonitor(id: $id, input: $input) { id } }');
  const result = editing ? updated : created;
  const kind = types?.probeTypes.find((t) => t.type === type);
  const fields = kind?.fields ?? [];
  const errors = formErrors(result.error, ['type', 'hostId', 'serviceId', 'name', 'intervalMs', 'timeoutMs', ...fields.map((f) => `config.${f.name}`), 'config']);
  // The edited monitor's values count only while its own type is shown.
  const original = monitor && monitor.type === type ? monitor.config : {};
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const config = configOf(fields, settings, original);
    const input = { name: name.trim(), type, hostId, serviceId: serviceId || null, config, intervalMs: Number(intervalMs), timeoutMs: Number(timeoutMs) };
    if (editing) {
      const res = await update({ id: monitor.id, input });
      if (res.data) {
        setSaved(true);
        onSaved(res.data.updateMonitor.id);
      }
      return;
    }
    const { serviceId: chosen, ...rest } = input;
    const res = await create({ input: { ...rest, ...(chosen ? { serviceId: chosen } : {}) } });
    if (res.data) {
      setAdded({ id: res.data.createMonitor.id, name: input.name });
      setName('');
      setSettings({});
      onSaved(res.data.createMonitor.id);
    }
  };
  const title = editing ? 'Edit the monitor' : 'Add a monitor';
  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <QueryError error={typesError} />
      <FormErrorList errors={errors} />
      <Field label="Type" error={errors.fields.type} hint={kind?.description}>
        {(p) => (
          <select
            {...p}
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setSettings({});
            }}
          >
            {(types?.probeTypes ?? [{ type, description: '', fields: [] }]).map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Host" error={errors.fields.hostId}>
        {(p) => (
          <select
            {...p}
            value={hostId}
            onChange={(e) => {
              setHostId(e.target.value);
              setServiceId('');
            }}
          >
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Service" error={errors.fields.serviceId} hint="The service it checks (its customers' SLA counts it); none for a host-level check">
        {(p) => (
          <select {...p} value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <option value="">none</option>
            {services
              .filter((s) => s.hostId === hostId)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        )}
      </Field>
      <Field label="Name" error={errors.fields.name} hint="Unique on its host, e.g. http (another host may have an http too)">
        {(p) => <input {...p} name="monitor-name" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Interval (ms)" error={errors.fields.intervalMs}>
        {(p) => <input {...p} name="monitor-interval" inputMode="numeric" value={intervalMs} onChange={(e) => setIntervalMs(e.target.value)} />}
      </Field>
      <Field label="Timeout (ms)" error={errors.fields.timeoutMs}>
        {(p) => <input {...p} name="monitor-timeout" inputMode="numeric" value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} />}
      </Field>
      <SettingFields
        kind={type}
        fields={fields}
        stored={original}
        texts={settings}
        onChange={(name, text) => {
          setSaved(false);
          setSettings({ ...settings, [name]: text });
        }}
        errors={errors}
      />
      {/* Not before the type's settings are known: a save then would send an empty config. */}
      <button type="submit" className="primary" disabled={result.fetching || hosts.length === 0 || !kind}>
        {editing ? 'Save' : 'Add monitor'}
      </button>
      {saved && (
        <span role="status" className="muted">
          {' '}
          Saved.
        </span>
      )}
      {added && !result.error && (
        <span role="status" className="muted">
          {' '}
          Added <Link to={`/monitors/${added.id}`}>{added.name}</Link>: its first verdict comes within a few probes.
        </span>
      )}
    </form>
  );
}
