import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors, type FormErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, QueryError } from '../components/form.js';
import { useCan } from '../session-context.js';

/** A step as the API stores it (`steps` is JSON: the optional lists are absent when empty). */
export interface EscalationStep {
  delayMinutes: number;
  channelIds: string[];
  scheduleIds?: string[];
  userIds?: string[];
}

export interface RouteMatch {
  severities?: string[];
  serviceTypes?: string[];
  customerIds?: string[];
  hostTags?: string[];
}

export interface EscalationPolicy {
  id: string;
  name: string;
  priority: number;
  match: RouteMatch;
  steps: EscalationStep[];
  repeatMinutes: number | null;
  quietHours: { start: string; end: string } | null;
  /** Open incidents with steps of it still waiting (they stay queued whatever becomes of the policy). */
  escalatingIncidents: number;
}

interface Named {
  id: string;
  name: string;
}

/** Everything a policy names, by id, so the page can say it in words. */
export interface Targets {
  channels: (Named & { type: string; enabled: boolean })[];
  schedules: Named[];
  people: Named[];
  customers: Named[];
}

const SEVERITIES = ['critical', 'warning', 'info'] as const;
const SERVICE_TYPES = ['web', 'mail', 'mysql', 'dns', 'other'] as const;
/** The planner repeats the last step at most this many times (libs/alerts escalation.planner.ts, MAX_REPEATS). */
const MAX_REPEATS = 3;

const POLICIES = `query EscalationPolicies {
  escalationPolicies { id name priority match steps repeatMinutes quietHours escalatingIncidents }
  alertChannels(first: 200) { nodes { id name type enabled } }
  schedules { id name }
  users(first: 200) { nodes { id displayName } }
  customers(first: 200) { nodes { id name } }
}`;

interface PoliciesData {
  escalationPolicies: EscalationPolicy[];
  alertChannels: { nodes: Targets['channels'] };
  schedules: Named[];
  users: { nodes: { id: string; displayName: string }[] };
  customers: { nodes: Named[] };
}

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** "at 0 min: e-mail channel ops; at 10 min: whoever is on call in schedule Primary": one step in words. */
export function describeStep(step: EscalationStep, targets: Targets): string {
  const nameIn = (all: Named[], id: string) => all.find((x) => x.id === id)?.name;
  const channels = step.channelIds.map((id) => {
    const c = targets.channels.find((x) => x.id === id);
    // A disabled channel is skipped when the step fires: said here so the list does not promise a page that never goes.
    return c ? `${c.type === 'email' ? 'e-mail' : c.type} channel ${c.name}${c.enabled ? '' : ' (disabled: skipped)'}` : 'a channel since deleted';
  });
  const schedules = (step.scheduleIds ?? []).map((id) => `whoever is on call in schedule ${nameIn(targets.schedules, id) ?? '(since deleted)'}`);
  const people = (step.userIds ?? []).map((id) => `person ${nameIn(targets.people, id) ?? '(since removed)'}`);
  return `at ${step.delayMinutes} min: ${list([...channels, ...schedules, ...people]) || 'nobody'}`;
}

/** Which incidents a policy takes, in words: its route. */
export function describeMatch(match: RouteMatch, targets: Targets): string {
  const parts: string[] = [];
  if (match.severities?.length) parts.push(`severity ${list(match.severities)}`);
  if (match.serviceTypes?.length) parts.push(`${list(match.serviceTypes)} services`);
  if (match.customerIds?.length) parts.push(`customers ${list(match.customerIds.map((id) => targets.customers.find((c) => c.id === id)?.name ?? '(since deleted)'))}`);
  if (match.hostTags?.length) parts.push(`hosts tagged ${list(match.hostTags)}`);
  return parts.length ? `incidents of ${parts.join('; ')}` : 'every incident';
}

function describeRepeat(policy: EscalationPolicy): string | null {
  if (!policy.repeatMinutes) return null;
  return `then the last step again every ${policy.repeatMinutes} min until acknowledged (${MAX_REPEATS}× at most)`;
}

/**
 * Settings → Escalation: the tenant's escalation policies in routing order (an incident is paged by the first one that
 * matches it; when none does, every enabled channel at once), each step in words; admins create, edit and delete them.
 */
export function EscalationSettings() {
  const [{ data, fetching, error }, refetch] = useQuery<PoliciesData>({ query: POLICIES });
  const canEdit = useCan('admin');
  // The form, when open: a new policy, or the id of the one edited.
  const [editing, setEditing] = useState<string | null>(null);
  const [deleted, remove] = useMutation('mutation DeleteEscalationPolicy($id: ID!) { deleteEscalationPolicy(id: $id) }');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const targets: Targets = {
    channels: data?.alertChannels.nodes ?? [],
    schedules: data?.schedules ?? [],
    people: data?.users.nodes.map((u) => ({ id: u.id, name: u.displayName })) ?? [],
    customers: data?.customers.nodes ?? [],
  };
  const policies = data?.escalationPolicies ?? [];
  const onDelete = async (policy: EscalationPolicy) => {
    // Nothing refers to a policy by id: it is a route, found by matching. What deleting it changes is who pages next.
    // Those above it were tried first and did not match, so its incidents fall to those below it, in order.
    const after = policies.slice(policies.indexOf(policy) + 1).map((p) => p.name);
    const next = after.length ? `the first policy below it that matches them (of ${list(after)}) or, when none does, by every enabled channel at once` : 'every enabled channel at once';
    const waiting = policy.escalatingIncidents
      ? `${policy.escalatingIncidents} open incident${policy.escalatingIncidents === 1 ? ' is' : 's are'} being escalated by it now: ${policy.escalatingIncidents === 1 ? 'its' : 'their'} waiting steps still go out unless acknowledged`
      : 'No open incident is being escalated by it now';
    const ok = window.confirm(
      `Delete the escalation policy ${policy.name}? New incidents it would have taken (${describeMatch(policy.match, targets)}) are paged by ${next}. ${waiting}; the paging report lists its past pages as "since deleted".`,
    );
    if (!ok) return;
    const res = await remove({ id: policy.id });
    if (!res.error) reload();
  };
  const edited = policies.find((p) => p.id === editing);
  // A policy deleted elsewhere while its form was open closes the form rather than hiding every button.
  const formOpen = editing === 'new' || edited !== undefined;
  return (
    <>
      <QueryError error={error ?? deleted.error} />
      <p className="muted">
        An incident is paged by the first policy below that matches it (lower priority first, then by name); when none matches, every enabled channel is paged at once. Later steps go out only while nobody has acknowledged.
      </p>
      {canEdit && !formOpen && (
        <div className="buttons">
          <button type="button" onClick={() => setEditing('new')}>
            New escalation policy
          </button>
        </div>
      )}
      {formOpen && (
        <PolicyForm
          key={editing}
          policy={edited}
          targets={targets}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {fetching && !data ? (
        <Loading what="escalation policies" />
      ) : !policies.length ? (
        <p className="muted">No escalation policies yet: every incident pages every enabled channel at once{canEdit ? '.' : '; an admin creates policies.'}</p>
      ) : (
        <div className="cards">
          {policies.map((p) => (
            <article key={p.id} className="card" data-policy={p.name} aria-label={`Escalation policy ${p.name}`}>
              <h2>{p.name}</h2>
              <p className="muted">
                Priority {p.priority}; takes {describeMatch(p.match, targets)}
                {p.quietHours ? `; e-mail and webhook steps wait out quiet hours ${p.quietHours.start}–${p.quietHours.end} (tenant time zone), pagers still page` : ''}
              </p>
              <ol className="steps">
                {p.steps.map((s, i) => (
                  <li key={i}>{describeStep(s, targets)}</li>
                ))}
              </ol>
              {describeRepeat(p) && <p data-testid="repeat">{describeRepeat(p)}</p>}
              {p.escalatingIncidents > 0 && (
                <p data-testid="escalating">
                  Escalating {p.escalatingIncidents} open incident{p.escalatingIncidents === 1 ? '' : 's'} now (edits apply to new incidents; those keep their queued steps)
                </p>
              )}
              {canEdit && !formOpen && (
                <div className="buttons">
                  <button type="button" onClick={() => setEditing(p.id)}>
                    Edit {p.name}
                  </button>
                  <button type="button" className="danger" onClick={() => onDelete(p)}>
                    Delete {p.name}
                  </button>
                </div>
              )}
            </article>
          ))}
        </div>
      )}
    </>
  );
}

interface StepDraft {
  key: number;
  // As typed: a number the API judges (0 to 1440, later than the step before), so its words appear beside the field.
  delayMinutes: string;
  channelIds: string[];
  scheduleIds: string[];
  userIds: string[];
}

let nextKey = 0;

function draftOf(step: EscalationStep): StepDraft {
  return { key: nextKey++, delayMinutes: String(step.delayMinutes), channelIds: [...step.channelIds], scheduleIds: [...(step.scheduleIds ?? [])], userIds: [...(step.userIds ?? [])] };
}

function newStep(after?: StepDraft): StepDraft {
  const delay = after ? Number(after.delayMinutes) + 10 : 0;
  return { key: nextKey++, delayMinutes: String(Number.isFinite(delay) ? delay : 0), channelIds: [], scheduleIds: [], userIds: [] };
}

/** Every field name the API may blame, so its error lands beside the control (`steps[1].delayMinutes`). */
function knownFields(steps: StepDraft[]): string[] {
  const known = ['name', 'priority', 'repeatMinutes', 'quietHours', 'quietHours.start', 'quietHours.end', 'match', 'match.severities', 'match.serviceTypes', 'match.customerIds', 'match.hostTags', 'steps'];
  steps.forEach((_s, i) => known.push(`steps[${i}]`, `steps[${i}].delayMinutes`, `steps[${i}].channelIds`, `steps[${i}].scheduleIds`, `steps[${i}].userIds`));
  return known;
}

/** A whole number as typed, or undefined (the field is then refused here, in words, before anything is sent). */
function whole(typed: string): number | undefined {
  return /^\d+$/.test(typed.trim()) ? Number(typed.trim()) : undefined;
}

/**
 * Creates or replaces a policy: its name, priority and route (which incidents it takes), its steps in order — each
 * when it fires and whom it pages (channels, whoever is on call in schedules, people) — the repeat of the last step
 * and quiet hours. The API replaces the whole policy in one statement, so a refused save leaves nothing half-saved.
 */
function PolicyForm({ policy, targets, onSaved, onCancel }: { policy?: EscalationPolicy; targets: Targets; onSaved: () => void; onCancel: () => void }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [priority, setPriority] = useState(String(policy?.priority ?? 100));
  const [severities, setSeverities] = useState<string[]>(policy?.match.severities ?? []);
  const [serviceTypes, setServiceTypes] = useState<string[]>(policy?.match.serviceTypes ?? []);
  const [customerIds, setCustomerIds] = useState<string[]>(policy?.match.customerIds ?? []);
  const [hostTags, setHostTags] = useState((policy?.match.hostTags ?? []).join(', '));
  const [steps, setSteps] = useState<StepDraft[]>(() => (policy ? policy.steps.map(draftOf) : [newStep()]));
  const [repeatMinutes, setRepeatMinutes] = useState(policy?.repeatMinutes ? String(policy.repeatMinutes) : '');
  const [quietStart, setQuietStart] = useState(policy?.quietHours?.start ?? '');
  const [quietEnd, setQuietEnd] = useState(policy?.quietHours?.end ?? '');
  // Numbers that are not whole numbers never reach the API (GraphQL would refuse them without naming the field).
  const [local, setLocal] = useState<Record<string, string>>({});
  const [created, create] = useMutation<{ createEscalationPolicy: { id: string } }>('mutation CreateEscalationPolicy($input: EscalationPolicyInput!) { createEscalationPolicy(input: $input) { id } }');
  const [updated, update] = useMutation<{ updateEscalationPolicy: { id: string } }>('mutation UpdateEscalationPolicy($id: ID!, $input: EscalationPolicyInput!) { updateEscalationPolicy(id: $id, input: $input) { id } }');
  const api = formErrors(policy ? updated.error : created.error, knownFields(steps));
  const errors: FormErrors = { fields: { ...api.fields, ...local }, general: api.general };
  const heading = policy ? `Edit escalation policy ${policy.name}` : 'New escalation policy';
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);

  const change = (i: number, patch: Partial<StepDraft>) => setSteps((all) => all.map((s, at) => (at === i ? { ...s, ...patch } : s)));
  // Moving a step moves whom it pages; the times stay in place (the API wants them rising), so the moved targets take
  // the time of the step they swap with.
  const move = (from: number, to: number) =>
    setSteps((all) => {
      const next = [...all];
      const [step] = next.splice(from, 1);
      next.splice(to, 0, step!);
      return next.map((s, i) => ({ ...s, delayMinutes: all[i]!.delayMinutes }));
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong: Record<string, string> = {};
    const number = (typed: string, field: string, optional = false): number | undefined => {
      if (optional && !typed.trim()) return undefined;
      const n = whole(typed);
      if (n === undefined) wrong[field] = 'must be a whole number of minutes';
      return n;
    };
    const input = {
      name,
      priority: number(priority, 'priority'),
      match: { severities, serviceTypes, customerIds, hostTags: hostTags.split(/[\s,]+/).filter(Boolean) },
      steps: steps.map((s, i) => ({ delayMinutes: number(s.delayMinutes, `steps[${i}].delayMinutes`), channelIds: s.channelIds, scheduleIds: s.scheduleIds, userIds: s.userIds })),
      repeatMinutes: number(repeatMinutes, 'repeatMinutes', true) ?? null,
      quietHours: quietStart || quietEnd ? { start: quietStart, end: quietEnd } : null,
    };
    if (wrong.priority) wrong.priority = 'must be a whole number';
    setLocal(wrong);
    if (Object.keys(wrong).length) return;
    if (policy) {
      const res = await update({ id: policy.id, input });
      if (!res.error && res.data) onSaved();
    } else {
      const res = await create({ input });
      if (!res.error && res.data) onSaved();
    }
  };

  const toggle = (values: string[], value: string, on: boolean) => (on ? [...values, value] : values.filter((v) => v !== value));
  return (
    <form className="card" onSubmit={submit} aria-label={heading}>
      <h2>{heading}</h2>
      <FormErrorList errors={errors} />
      <div className="grid-form">
        <Field label="Name" error={errors.fields.name}>
          {(p) => <input {...p} ref={nameInput} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Priority" error={errors.fields.priority} hint="Lower is tried first; the first policy that matches an incident pages it">
          {(p) => <input {...p} type="number" inputMode="numeric" value={priority} onChange={(e) => setPriority(e.target.value)} />}
        </Field>
      </div>

      <fieldset className="layer">
        <legend>Which incidents it takes</legend>
        <p className="muted">Empty criteria match every incident; each criterion given must hold.</p>
        <CheckList legend="Severities" values={SEVERITIES} chosen={severities} error={errors.fields['match.severities']} onToggle={(v, on) => setSeverities((all) => toggle(all, v, on))} />
        <CheckList legend="Service types" values={SERVICE_TYPES} chosen={serviceTypes} error={errors.fields['match.serviceTypes']} onToggle={(v, on) => setServiceTypes((all) => toggle(all, v, on))} />
        {targets.customers.length > 0 && (
          <CheckList
            legend="Customers (any of)"
            values={targets.customers.map((c) => c.id)}
            label={(id) => targets.customers.find((c) => c.id === id)?.name ?? id}
            chosen={customerIds}
            error={errors.fields['match.customerIds']}
            onToggle={(v, on) => setCustomerIds((all) => toggle(all, v, on))}
          />
        )}
        <Field label="Host tags (any of)" error={errors.fields['match.hostTags']} hint="Separated by spaces or commas">
          {(p) => <input {...p} value={hostTags} onChange={(e) => setHostTags(e.target.value)} />}
        </Field>
      </fieldset>

      <h3 className="subhead">Steps, in the order they fire</h3>
      {errors.fields.steps && (
        <p className="error" role="alert">
          {errors.fields.steps}
        </p>
      )}
      {steps.map((step, i) => (
        <StepFields
          key={step.key}
          index={i}
          count={steps.length}
          step={step}
          targets={targets}
          errors={errors.fields}
          onChange={(patch) => change(i, patch)}
          onMove={(to) => move(i, to)}
          onRemove={steps.length > 1 ? () => setSteps((all) => all.filter((_s, at) => at !== i)) : undefined}
        />
      ))}
      <div className="buttons">
        <button type="button" disabled={steps.length >= 10} onClick={() => setSteps((all) => [...all, newStep(all.at(-1))])}>
          Add a step
        </button>
      </div>

      <div className="grid-form">
        <Field label="Repeat the last step every (minutes)" error={errors.fields.repeatMinutes} hint={`Empty: no repeat. Otherwise ${MAX_REPEATS} times at most, until acknowledged`}>
          {(p) => <input {...p} type="number" inputMode="numeric" value={repeatMinutes} onChange={(e) => setRepeatMinutes(e.target.value)} />}
        </Field>
        <Field label="Quiet hours from" error={errors.fields['quietHours.start'] ?? errors.fields.quietHours} hint="Tenant time zone; e-mail and webhook steps wait, pagers still page">
          {(p) => <input {...p} type="time" value={quietStart} onChange={(e) => setQuietStart(e.target.value)} />}
        </Field>
        <Field label="Quiet hours until" error={errors.fields['quietHours.end']}>
          {(p) => <input {...p} type="time" value={quietEnd} onChange={(e) => setQuietEnd(e.target.value)} />}
        </Field>
      </div>
      <div className="buttons">
        <button type="submit" className="primary" disabled={created.fetching || updated.fetching}>
          {policy ? 'Save policy' : 'Create policy'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CheckList({ legend, values, chosen, error, label, onToggle }: { legend: string; values: readonly string[]; chosen: string[]; error?: string; label?: (value: string) => string; onToggle: (value: string, on: boolean) => void }) {
  return (
    <fieldset className={`days${error ? ' field-invalid' : ''}`}>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v} className="check">
          <input type="checkbox" checked={chosen.includes(v)} aria-invalid={!!error} onChange={(e) => onToggle(v, e.target.checked)} />
          {label ? label(v) : v}
        </label>
      ))}
      {!values.length && <span className="muted">none yet</span>}
      {error && (
        <small className="error" role="alert">
          {error}
        </small>
      )}
    </fieldset>
  );
}

interface StepProps {
  index: number;
  count: number;
  step: StepDraft;
  targets: Targets;
  errors: Record<string, string>;
  onChange: (patch: Partial<StepDraft>) => void;
  onMove: (to: number) => void;
  onRemove?: () => void;
}

function StepFields({ index, count, step, targets, errors, onChange, onMove, onRemove }: StepProps) {
  const at = `steps[${index}]`;
  const toggle = (key: 'channelIds' | 'scheduleIds' | 'userIds', id: string, on: boolean) => onChange({ [key]: on ? [...step[key], id] : step[key].filter((x) => x !== id) });
  return (
    <fieldset className="layer" aria-label={`Step ${index + 1}`}>
      <legend>Step {index + 1}</legend>
      {errors[at] && (
        <p className="error" role="alert">
          {errors[at]}
        </p>
      )}
      <div className="grid-form">
        <Field label={`Step ${index + 1}: minutes after the incident opened`} error={errors[`${at}.delayMinutes`]} hint="0 to 1440, later than the step before">
          {(p) => <input {...p} type="number" inputMode="numeric" value={step.delayMinutes} onChange={(e) => onChange({ delayMinutes: e.target.value })} />}
        </Field>
      </div>
      <CheckList
        legend="Alert channels"
        values={targets.channels.map((c) => c.id)}
        label={(id) => {
          const c = targets.channels.find((x) => x.id === id);
          return c ? `${c.name} (${c.type}${c.enabled ? '' : ', disabled'})` : id;
        }}
        chosen={step.channelIds}
        error={errors[`${at}.channelIds`]}
        onToggle={(id, on) => toggle('channelIds', id, on)}
      />
      <CheckList
        legend="Whoever is on call in"
        values={targets.schedules.map((s) => s.id)}
        label={(id) => targets.schedules.find((s) => s.id === id)?.name ?? id}
        chosen={step.scheduleIds}
        error={errors[`${at}.scheduleIds`]}
        onToggle={(id, on) => toggle('scheduleIds', id, on)}
      />
      <CheckList
        legend="People (each by their own notification rules)"
        values={targets.people.map((u) => u.id)}
        label={(id) => targets.people.find((u) => u.id === id)?.name ?? id}
        chosen={step.userIds}
        error={errors[`${at}.userIds`]}
        onToggle={(id, on) => toggle('userIds', id, on)}
      />
      <div className="buttons">
        <button type="button" disabled={index === 0} onClick={() => onMove(index - 1)}>
          Move step {index + 1} up
        </button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(index + 1)}>
          Move step {index + 1} down
        </button>
        {onRemove && (
          <button type="button" onClick={onRemove}>
            Remove step {index + 1}
          </button>
        )}
      </div>
    </fieldset>
  );
}
