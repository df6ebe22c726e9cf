import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { type FormErrors, formErrors } from '../api/errors.js';
import { useCan } from '../session-context.js';
import { Field, FormErrorList, QueryError } from './form.js';
import { secretToSend, SecretInput } from './secret-input.js';
import { configOf, type SettingField, SETTING_FIELD, SettingFields } from './setting-fields.js';

/** A resource kind as `resourceKinds` describes it: the form of every kind is drawn from this. */
interface ResourceKindInfo {
  type: string;
  description: string;
  fields: SettingField[];
  secrets: { name: string; label: string }[];
  members: { are: string; value: string | null; weight: string | null };
  hasPrimary: boolean;
  memberBack: string;
  fences: boolean;
  reattaches: boolean;
}

interface StoredResource {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  members: { hostId: string; monitorIds: string[]; weight: number | null; value: string | null; host: { name: string } }[];
  approvalRequired: boolean;
  cooldownMinutes: number;
  failback: string;
  failbackHoldSeconds: number;
  requireFencing: boolean;
  runbookId: string | null;
  recoveryRunbookId: string | null;
  /** Names of the secrets stored (their values never come back). */
  storedSecrets: string[];
}

interface Choices {
  resourceKinds: ResourceKindInfo[];
  runbooks: { nodes: { id: string; name: string }[] };
}

const CHOICES = `query ResourceFormChoices {
  resourceKinds { type description fields { ${SETTING_FIELD} } secrets { name label } members { are value weight } hasPrimary memberBack fences reattaches }
  runbooks(first: 200) { nodes { id name } } }`;

const STORED = `query ResourceToEdit($id: ID!) { resource(id: $id) {
  id name kind config members { hostId monitorIds weight value host { name } } approvalRequired cooldownMinutes failback failbackHoldSeconds requireFencing runbookId recoveryRunbookId storedSecrets } }`;

/** Flap damping is a setting of every kind (config.flapStableSeconds) but reads as policy: drawn with it, not with the kind's settings. */
const FLAP = 'flapStableSeconds';

const OWN_LABELS = new Set(['Name', 'Kind']);

/** `dns_record` → "Record". */
function kindWord(type: string): string {
  const word = type.split('_').at(-1) ?? type;
  return word[0]!.toUpperCase() + word.slice(1);
}

/** A member as the form holds it: the numbers as typed, checked before anything is sent. */
interface MemberDraft {
  hostId: string;
  name: string;
  monitorIds: string[];
  weight: string;
  value: string;
}

/** A whole number as typed, or the words of what is wrong with it (nothing is sent while one is wrong). */
function wholeNumber(text: string): number | undefined | string {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : 'must be a whole number';
}

/**
 * A resource of any kind, created or edited: name, kind, the kind's settings (from `resourceKinds`), its members in
 * preference order, the failover policy in words and its secrets (write-only). One mutation: the API checks all of it
 * and saves all or nothing, its errors shown at their fields.
 */
export function ResourceForm({ resource, onDone, onCancel }: { resource?: StoredResource; onDone: () => void; onCancel?: () => void }) {
  const [{ data, error }] = useQuery<Choices>({ query: CHOICES });
  const editing = !!resource;
  const [kindType, setKindType] = useState(resource?.kind ?? 'vip_group');
  const [name, setName] = useState(resource?.name ?? '');
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [members, setMembers] = useState<MemberDraft[]>(
    resource?.members.map((m) => ({ hostId: m.hostId, name: m.host.name, monitorIds: m.monitorIds, weight: m.weight === null ? '' : String(m.weight), value: m.value ?? '' })) ?? [],
  );
  const [approvalRequired, setApprovalRequired] = useState(resource?.approvalRequired ?? false);
  const [requireFencing, setRequireFencing] = useState(resource?.requireFencing ?? false);
  const [failback, setFailback] = useState(resource?.failback ?? 'stay');
  const [holdSeconds, setHoldSeconds] = useState(String(resource?.failbackHoldSeconds ?? 300));
  const [cooldown, setCooldown] = useState(String(resource?.cooldownMinutes ?? 5));
  const [runbookId, setRunbookId] = useState(resource?.runbookId ?? '');
  const [recoveryRunbookId, setRecoveryRunbookId] = useState(resource?.recoveryRunbookId ?? '');
  const [local, setLocal] = useState<Record<string, string>>({});
  const [created, create] = useMutation('mutation CreateResource($input: ResourceInput!) { createResource(input: $input) { id } }');
  const [updated, update] = useMutation('mutation UpdateResource($id: ID!, $input: ResourceInput!) { updateResource(id: $id, input: $input) { id } }');
  const result = editing ? updated : created;

  const kinds = data?.resourceKinds ?? [];
  const kind = kinds.find((k) => k.type === kindType);
  // A setting named like one of the form's own fields (a DNS record's `name`) is told apart by the kind: "Record name".
  const fields = (kind?.fields ?? []).map((f) => (OWN_LABELS.has(f.label) ? { ...f, label: `${kindWord(kindType)} ${f.label.toLowerCase()}` } : f));
  const stored = resource?.config ?? {};
  const known = [
    'name', 'kind', 'config', 'secrets', 'members', 'primaryHostId', 'approvalRequired', 'cooldownMinutes', 'failback', 'failbackHoldSeconds', 'requireFencing', 'runbookId', 'recoveryRunbookId',
    ...fields.map((f) => `config.${f.name}`),
    ...(kind?.secrets ?? []).map((s) => `secrets.${s.name}`),
    ...members.flatMap((_, i) => [`members[${i}]`, `members[${i}].hostId`, `members[${i}].monitorIds`, `members[${i}].weight`, `members[${i}].value`]),
  ];
  const api = formErrors(result.error, known);
  // The form's own refusals (a number that is not one) join the API's, each at its field.
  const errors: FormErrors = { fields: { ...api.fields, ...local }, general: api.general };
  const memberError = (i: number) => errors.fields[`members[${i}].hostId`] ?? errors.fields[`members[${i}]`] ?? errors.fields[`members[${i}].monitorIds`];

  const move = (i: number, by: number) => {
    const next = [...members];
    const [m] = next.splice(i, 1);
    next.splice(i + by, 0, m!);
    setMembers(next);
  };
  const setMember = (i: number, patch: Partial<MemberDraft>) => setMembers(members.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  // The form's own refusal of a field goes once the field is changed.
  const edited = (key: string) => local[key] !== undefined && setLocal(Object.fromEntries(Object.entries(local).filter(([k]) => k !== key)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    const cooldownMinutes = wholeNumber(cooldown);
    const failbackHoldSeconds = wholeNumber(holdSeconds);
    if (typeof cooldownMinutes === 'string') problems.cooldownMinutes = cooldownMinutes;
    if (typeof failbackHoldSeconds === 'string') problems.failbackHoldSeconds = failbackHoldSeconds;
    const memberInputs = members.map((m, i) => {
      const weight = wholeNumber(m.weight);
      if (typeof weight === 'string') problems[`members[${i}].weight`] = weight;
      return { hostId: m.hostId, monitorIds: m.monitorIds, ...(typeof weight === 'number' && kind?.members.weight ? { weight } : {}), ...(m.value.trim() && kind?.members.value ? { value: m.value.trim() } : {}) };
    });
    setLocal(problems);
    if (Object.keys(problems).length) return;
    // Secrets left empty are not sent: on an edit the API keeps the stored ones.
    const typedSecrets = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, secretToSend(v)]).filter(([, v]) => v !== undefined));
    const input = {
      name: name.trim(),
      ...(editing ? {} : { kind: kindType }),
      config: configOf(fields, settings, stored),
      members: memberInputs,
      approvalRequired,
      requireFencing,
      failback,
      ...(typeof cooldownMinutes === 'number' ? { cooldownMinutes } : {}),
      ...(typeof failbackHoldSeconds === 'number' ? { failbackHoldSeconds } : {}),
      ...(runbookId ? { runbookId } : {}),
      ...(recoveryRunbookId ? { recoveryRunbookId } : {}),
      ...(Object.keys(typedSecrets).length ? { secrets: typedSecrets } : {}),
    };
    const res = editing ? await update({ id: resource.id, input }) : await create({ input });
    if (!res.error) onDone();
  };

  const title = editing ? `Edit ${resource.name}` : 'New resource';
  const unit = kind?.hasPrimary === false ? 'member' : 'primary';
  return (
    <form className="card resource-form" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <QueryError error={error} />
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="1-63 lower-case letters, digits, . _ -">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Kind" error={errors.fields.kind} hint={editing ? `${kind?.description ?? ''} — a kind cannot change: create a new resource` : kind?.description}>
        {(p) => (
          <select
            {...p}
            value={kindType}
            disabled={editing}
            onChange={(e) => {
              setKindType(e.target.value);
              setSettings({});
              setSecrets({});
            }}
          >
            {kinds.map((k) => (
              <option key={k.type} value={k.type}>
                {k.type.replace('_', ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>

      <fieldset>
        <legend>Settings</legend>
        <SettingFields kind={kindType} fields={fields.filter((f) => f.name !== FLAP)} stored={stored} texts={settings} onChange={(key, text) => setSettings({ ...settings, [key]: text })} errors={errors} />
      </fieldset>

      {kind && kind.secrets.length > 0 && (
        <fieldset>
          <legend>Secrets</legend>
          <p className="hint">
            Write-only: stored sealed, never shown again.
            {editing && ' Left empty, the stored one is kept; a secret typed here replaces only itself; a stored one can be removed.'}
          </p>
          {kind.secrets.map((s) => (
            <Field key={`${kindType}-${s.name}`} label={s.label} error={errors.fields[`secrets.${s.name}`]}>
              {(p) => (
                <SecretInput
                  control={p}
                  label={s.label}
                  stored={!!resource?.storedSecrets.includes(s.name)}
                  value={secrets[s.name] ?? ''}
                  onChange={(text) => setSecrets({ ...secrets, [s.name]: text })}
                />
              )}
            </Field>
          ))}
        </fieldset>
      )}

      <fieldset aria-label="Members" className={errors.fields.members ? 'field-invalid' : undefined}>
        <legend>Members</legend>
        <p className="hint">{kind?.members.are}</p>
        {errors.fields.members && (
          <p className="error" role="alert">
            {errors.fields.members}
          </p>
        )}
        <ol className="members">
          {members.map((m, i) => {
            const host = m.name;
            return (
              <li key={m.hostId} data-member={host} className={memberError(i) ? 'field-invalid' : undefined}>
                <strong>{host}</strong>
                {i === 0 && kind?.hasPrimary && <span className="muted"> (preferred)</span>}{' '}
                <button type="button" aria-label={`Move ${host} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" aria-label={`Move ${host} down`} disabled={i === members.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button type="button" aria-label={`Remove ${host}`} onClick={() => setMembers(members.filter((_, j) => j !== i))}>
                  Remove
                </button>
                {memberError(i) && (
                  <small className="error" role="alert">
                    {memberError(i)}
                  </small>
                )}
                {kind?.members.value && (
                  <Field label={`${kind.members.value.replace(/ \(.*\)$/, '')} for ${host}`} hint={kind.members.value} error={errors.fields[`members[${i}].value`]}>
                    {(p) => <input {...p} value={m.value} onChange={(e) => setMember(i, { value: e.target.value })} />}
                  </Field>
                )}
                {kind?.members.weight && (
                  <Field label={`Weight of ${host}`} hint={kind.members.weight} error={errors.fields[`members[${i}].weight`]}>
                    {(p) => <input {...p} inputMode="numeric" value={m.weight} onChange={(e) => (setMember(i, { weight: e.target.value }), edited(`members[${i}].weight`))} />}
                  </Field>
                )}
                <MemberMonitors hostId={m.hostId} host={host} chosen={m.monitorIds} onChange={(monitorIds) => setMember(i, { monitorIds })} />
              </li>
            );
          })}
        </ol>
        <MemberAdder members={members} onAdd={(host) => setMembers([...members, { hostId: host.id, name: host.name, monitorIds: [], weight: '', value: '' }])} />
      </fieldset>

      <fieldset>
        <legend>When a {unit} fails</legend>
        <Field label="Failover runs" error={errors.fields.approvalRequired}>
          {(p) => (
            <select {...p} value={approvalRequired ? 'approval' : 'automatic'} onChange={(e) => setApprovalRequired(e.target.value === 'approval')}>
              <option value="automatic">automatically, at once</option>
              <option value="approval">only once an operator approves each run</option>
            </select>
          )}
        </Field>
        <Field label="Cooldown (minutes)" error={errors.fields.cooldownMinutes} hint="No second automatic run within this many minutes of the last one (0 to 1440)">
          {(p) => <input {...p} inputMode="numeric" value={cooldown} onChange={(e) => (setCooldown(e.target.value), edited('cooldownMinutes'))} />}
        </Field>
        <Field
          label="Flap damping (seconds)"
          error={errors.fields[`config.${FLAP}`]}
          hint={`A flapping ${unit} must stay down this long before its automatic run (0 to 3600; empty: 60)`}
        >
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={settings[FLAP] ?? (stored[FLAP] === undefined ? '' : String(stored[FLAP]))}
              onChange={(e) => setSettings({ ...settings, [FLAP]: e.target.value })}
            />
          )}
        </Field>
        {kind?.hasPrimary && (
          <Field label="Fencing" error={errors.fields.requireFencing}>
            {(p) => (
              <select {...p} value={requireFencing ? 'required' : 'best-effort'} onChange={(e) => setRequireFencing(e.target.value === 'required')}>
                <option value="best-effort">best effort: take over even if the old primary could not be fenced</option>
                <option value="required">required: take over only once the old primary is confirmed fenced, else wait for an operator</option>
              </select>
            )}
          </Field>
        )}
        {kind?.hasPrimary && (kind.memberBack === 'failback' || kind.reattaches) && (
          <Field label="When the old primary is back" error={errors.fields.failback}>
            {(p) => (
              <select {...p} value={failback} onChange={(e) => setFailback(e.target.value)}>
                <option value="stay">stay: keep the current primary (an operator moves it back)</option>
                <option value="auto">
                  {kind.memberBack === 'failback' ? 'fail back: return to the preferred member once healthy for the hold time' : 're-attach it (e.g. as a replica of the new primary), never made primary again'}
                </option>
              </select>
            )}
          </Field>
        )}
        {kind?.memberBack === 'failback' && failback === 'auto' && (
          <Field label="Failback hold (seconds)" error={errors.fields.failbackHoldSeconds} hint="How long the preferred member must be healthy before the failback (0 to 86400)">
            {(p) => <input {...p} inputMode="numeric" value={holdSeconds} onChange={(e) => (setHoldSeconds(e.target.value), edited('failbackHoldSeconds'))} />}
          </Field>
        )}
        <Field label="On a failure, run" error={errors.fields.runbookId}>
          {(p) => <RunbookSelect {...p} value={runbookId} onChange={setRunbookId} runbooks={data?.runbooks.nodes ?? []} none={!editing || !resource.runbookId ? (editing ? 'nothing' : 'the kind’s built-in runbook') : undefined} />}
        </Field>
        <Field label="When a member is back, run" error={errors.fields.recoveryRunbookId}>
          {(p) => (
            <RunbookSelect
              {...p}
              value={recoveryRunbookId}
              onChange={setRecoveryRunbookId}
              runbooks={data?.runbooks.nodes ?? []}
              none={!editing || !resource.recoveryRunbookId ? (editing ? 'nothing' : 'the kind’s built-in runbook, if any') : undefined}
            />
          )}
        </Field>
      </fieldset>

      <button type="submit" className="primary" disabled={result.fetching || !data}>
        {editing ? 'Save' : 'Create resource'}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}

/** A host found by name (a fleet has thousands) and added last to the members. */
function MemberAdder({ members, onAdd }: { members: MemberDraft[]; onAdd: (host: { id: string; name: string }) => void }) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState('');
  const [{ data }] = useQuery<{ hosts: { nodes: { id: string; name: string }[] } }>({
    query: 'query MemberHosts($search: String) { hosts(first: 50, filter: { search: $search }) { nodes { id name } } }',
    variables: { search: search.trim() || null },
  });
  const free = (data?.hosts.nodes ?? []).filter((h) => !members.some((m) => m.hostId === h.id));
  const host = free.find((h) => h.id === chosen) ?? (free.length === 1 ? free[0] : undefined);
  return (
    <div className="member-adder">
      <Field label="Find a host" hint="Part of its name">
        {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
      </Field>
      <Field label="Add a member" hint={members.length ? 'Added last: move it up to prefer it' : 'The first member is the preferred one'}>
        {(p) => (
          <select {...p} value={host?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
            <option value="">{free.length ? 'choose a host…' : 'no host found'}</option>
            {free.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button
        type="button"
        disabled={!host}
        onClick={() => {
          onAdd(host!);
          setChosen('');
          setSearch('');
        }}
      >
        Add member
      </button>
    </div>
  );
}

/** Which of a member's monitors mean it is down: none ticked, any of them. */
function MemberMonitors({ hostId, host, chosen, onChange }: { hostId: string; host: string; chosen: string[]; onChange: (ids: string[]) => void }) {
  const [{ data }] = useQuery<{ monitors: { nodes: { id: string; name: string }[] } }>({
    query: 'query MemberMonitors($hostId: ID!) { monitors(first: 200, filter: { hostId: $hostId }) { nodes { id name } } }',
    variables: { hostId },
  });
  const monitors = data?.monitors.nodes ?? [];
  if (!monitors.length) return null;
  return (
    <details open={chosen.length > 0}>
      <summary>Down when… ({chosen.length ? `${chosen.length} of its monitors` : 'any of its monitors'} is down)</summary>
      {monitors.map((x) => (
        <label key={x.id} className="check">
          <input type="checkbox" checked={chosen.includes(x.id)} onChange={(e) => onChange(e.target.checked ? [...chosen, x.id] : chosen.filter((id) => id !== x.id))} /> {x.name}
        </label>
      ))}
      <small className="hint">None ticked: an outage of any monitor of {host} means this member is down.</small>
    </details>
  );
}

/** "New resource" on the Resources page: the form opens below it (operators and up; viewers see nothing). */
export function NewResource({ onDone }: { onDone: () => void }) {
  const canEdit = useCan('operator');
  const [open, setOpen] = useState(false);
  if (!canEdit) return null;
  if (!open)
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        New resource
      </button>
    );
  return <ResourceForm onDone={() => (setOpen(false), onDone())} onCancel={() => setOpen(false)} />;
}

/** The stored resource, read in full (settings, monitors of each member, runbooks) for its edit form. */
function EditResource({ id, onDone, onCancel }: { id: string; onDone: () => void; onCancel: () => void }) {
  const [{ data, error }] = useQuery<{ resource: StoredResource }>({ query: STORED, variables: { id }, requestPolicy: 'network-only' });
  if (error) return <QueryError error={error} />;
  if (!data) return null;
  return <ResourceForm key={data.resource.id} resource={data.resource} onDone={onDone} onCancel={onCancel} />;
}

interface Summary {
  id: string;
  name: string;
  decision: string | null;
  activeRun: { id: string; status: string; runbookName: string } | null;
}

/**
 * Edit and Delete on a resource's card. Delete says first what it does: Vigia stops failing it over at once (a
 * failover held now is dropped), its past runs stay in the history; a resource a run holds is refused by the API.
 */
export function ResourceControls({ resource, onChanged }: { resource: Summary; onChanged: () => void }) {
  const canEdit = useCan('operator');
  const [mode, setMode] = useState<'edit' | 'delete' | undefined>();
  if (!canEdit) return null;
  if (mode === 'edit') return <EditResource id={resource.id} onDone={() => (setMode(undefined), onChanged())} onCancel={() => setMode(undefined)} />;
  if (mode === 'delete') return <DeleteResource resource={resource} onDone={onChanged} onCancel={() => setMode(undefined)} />;
  return (
    <p className="row-actions">
      <button type="button" aria-label={`Edit ${resource.name}`} onClick={() => setMode('edit')}>
        Edit
      </button>
      <button type="button" className="danger" aria-label={`Delete ${resource.name}`} onClick={() => setMode('delete')}>
        Delete…
      </button>
    </p>
  );
}

function DeleteResource({ resource, onDone, onCancel }: { resource: Summary; onDone: () => void; onCancel: () => void }) {
  const [{ data }] = useQuery<{ runs: { totalCount: number } }>({ query: 'query ResourceRuns($id: ID!) { runs(first: 1, filter: { resourceId: $id }) { totalCount } }', variables: { id: resource.id } });
  const [result, remove] = useMutation('mutation DeleteResource($id: ID!) { deleteResource(id: $id) }');
  const runs = data?.runs.totalCount;
  return (
    <div role="alertdialog" aria-labelledby={`delete-res-${resource.id}`} className="confirm">
      <p id={`delete-res-${resource.id}`} data-testid="delete-consequences">
        Delete {resource.name}? Vigia stops failing it over at once: no runbook runs for it again
        {resource.decision ? `, and the failover held now (${resource.decision}) is dropped` : ''}. Its member hosts, their monitors and its runbooks are
        not touched. {runs === 0 ? 'It has no past runs.' : `${runs === undefined ? 'Its past runs' : `Its ${runs} past run${runs === 1 ? '' : 's'}`} stay in the run history.`}
        {resource.activeRun && ` A run holds it now (${resource.activeRun.runbookName}): the deletion is refused until that run ends or is aborted.`}
      </p>
      <QueryError error={result.error} />
      <button type="button" className="danger" disabled={result.fetching} onClick={() => remove({ id: resource.id }).then((r) => !r.error && onDone())}>
        Delete {resource.name}
      </button>
      <button type="button" onClick={onCancel}>
        Keep it
      </button>
    </div>
  );
}

/**
 * A runbook to bind (on a failure, or when a member is back). `none` is the empty choice's words, offered only where
 * the API can take it: a new resource (the kind's built-in) or one with nothing bound yet (the API cannot unset one).
 */
function RunbookSelect({
  value,
  onChange,
  runbooks,
  none,
  ...p
}: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; value: string; onChange: (id: string) => void; runbooks: { id: string; name: string }[]; none?: string }) {
  return (
    <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {runbooks.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
        </option>
      ))}
    </select>
  );
}
