import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, QueryError } from './form.js';

/** One setting of a probe type, as the API's `probeTypes` describes it (drawn from the probes registry). */
interface SettingField {
  name: string;
  label: string;
  input: 'text' | 'number' | 'flag' | 'choice' | 'list' | 'numbers' | 'pairs';
  required: boolean;
  secret: boolean;
  choices: string[];
}

interface ProbeTypeInfo {
  type: string;
  description: string;
  fields: SettingField[];
}

export const PROBE_TYPES_QUERY = 'query ProbeTypes { probeTypes { type description fields { name label input required secret choices } } }';

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

const SEALED = '<sealed>';

/** A config value as the form's text holds it. */
function toText(field: SettingField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.secret) return '';
  if (field.input === 'flag') return value ? 'yes' : 'no';
  if (field.input === 'list') return (value as string[]).join('\n');
  if (field.input === 'numbers') return (value as number[]).join(', ');
  if (field.input === 'pairs') return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join('\n');
  return String(value);
}

/**
 * The form's text back to a config value; undefined leaves the setting out (the probe's default). A number that is not
 * one is sent as written, so the API names the field ("must be a port from 1 to 65535") rather than the form guessing.
 */
function fromText(field: SettingField, text: string, hadValue: boolean): unknown {
  const trimmed = text.trim();
  // A credential left empty on an edit keeps the sealed one.
  if (field.secret && trimmed === '') return hadValue ? SEALED : undefined;
  if (trimmed === '') return undefined;
  switch (field.input) {
    case 'flag':
      return trimmed === 'yes';
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'list':
      return trimmed.split('\n').map((l) => l.trim()).filter(Boolean);
    case 'numbers':
      return trimmed.split(/[\s,]+/).filter(Boolean).map((n) => (/^-?\d+$/.test(n) ? Number(n) : n));
    case 'pairs':
      return Object.fromEntries(
        trimmed.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
          const at = l.indexOf(':');
          return at < 0 ? [l, ''] : [l.slice(0, at).trim(), l.slice(at + 1).trim()];
        }),
      );
    default:
      return text;
  }
}

/** A setting named like one of the monitor's own fields gets a label that tells them apart. */
const LABELS: Record<string, string> = { host: 'Address to probe' };

function hint(field: SettingField, editing: boolean, had: boolean): string | undefined {
  if (field.name === 'host') return 'Empty: the host’s first address';
  if (field.secret) return editing && had ? 'Write-only: empty keeps the stored one' : 'Write-only: stored sealed, never shown again';
  if (field.input === 'list') return 'One per line';
  if (field.input === 'numbers') return 'Separated by commas, e.g. 200, 301';
  if (field.input === 'pairs') return 'One per line, e.g. Accept: text/html (credential headers are stored sealed)';
  return undefined;
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
  const [created, create] = useMutation<{ createMonitor: { id: string } }>('mutation CreateMonitor($input: CreateMonitorInput!) { createMonitor(input: $input) { id } }');
  const [updated, update] = useMutation<{ updateMonitor: { id: string } }>('mutation UpdateMonitor($id: ID!, $input: UpdateMonitorInput!) { updateMonitor(id: $id, input: $input) { id } }');
  const result = editing ? updated : created;
  const kind = types?.probeTypes.find((t) => t.type === type);
  const fields = kind?.fields ?? [];
  const errors = formErrors(result.error, ['type', 'hostId', 'serviceId', 'name', 'intervalMs', 'timeoutMs', ...fields.map((f) => `config.${f.name}`), 'config']);
  // The edited monitor's values count only while its own type is shown.
  const original = monitor && monitor.type === type ? monitor.config : {};
  const textOf = (f: SettingField) => settings[f.name] ?? toText(f, original[f.name]);
  const change = (key: string) => (e: { target: { value: string } }) => {
    setSaved(false);
    setSettings({ ...settings, [key]: e.target.value });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const config: Record<string, unknown> = {};
    for (const f of fields) {
      const value = fromText(f, textOf(f), original[f.name] !== undefined);
      if (value !== undefined) config[f.name] = value;
    }
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
      setName('');
      setSettings({});
      onSaved(res.data.createMonitor.id);
    }
  };
  const control = (f: SettingField) => (p: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => {
    const value = textOf(f);
    if (f.input === 'flag')
      return (
        <select {...p} value={value} onChange={change(f.name)}>
          <option value="">default</option>
          <option value="yes">yes</option>
          <option value="no">no</option>
        </select>
      );
    if (f.input === 'choice')
      return (
        <select {...p} value={value} onChange={change(f.name)}>
          {!f.required && <option value="">default</option>}
          {f.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    if (f.input === 'list' || f.input === 'pairs') return <textarea {...p} rows={3} value={value} onChange={change(f.name)} />;
    return (
      <input
        {...p}
        type={f.secret ? 'password' : 'text'}
        autoComplete={f.secret ? 'new-password' : 'off'}
        inputMode={f.input === 'number' ? 'numeric' : undefined}
        placeholder={f.secret && editing && original[f.name] !== undefined ? 'unchanged (sealed)' : undefined}
        value={value}
        onChange={change(f.name)}
      />
    );
  };
  const field = (f: SettingField) => (
    <Field key={`${type}-${f.name}`} label={LABELS[f.name] ?? f.label} error={errors.fields[`config.${f.name}`]} hint={hint(f, editing, original[f.name] !== undefined)}>
      {control(f)}
    </Field>
  );
  const required = fields.filter((f) => f.required);
  const optional = fields.filter((f) => !f.required);
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
      <Field label="Name" error={errors.fields.name}>
        {(p) => <input {...p} name="monitor-name" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Interval (ms)" error={errors.fields.intervalMs}>
        {(p) => <input {...p} name="monitor-interval" inputMode="numeric" value={intervalMs} onChange={(e) => setIntervalMs(e.target.value)} />}
      </Field>
      <Field label="Timeout (ms)" error={errors.fields.timeoutMs}>
        {(p) => <input {...p} name="monitor-timeout" inputMode="numeric" value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} />}
      </Field>
      {required.map(field)}
      {optional.length > 0 && (
        <details open={optional.some((f) => errors.fields[`config.${f.name}`] !== undefined || (editing && original[f.name] !== undefined))}>
          <summary>More settings ({optional.length})</summary>
          {optional.map(field)}
        </details>
      )}
      <button type="submit" className="primary" disabled={result.fetching || hosts.length === 0}>
        {editing ? 'Save' : 'Add monitor'}
      </button>
      {saved && (
        <span role="status" className="muted">
          {' '}
          Saved.
        </span>
      )}
    </form>
  );
}
