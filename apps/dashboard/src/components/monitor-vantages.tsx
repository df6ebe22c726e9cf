import { type FormEvent, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors, type FormErrors } from '../api/errors.js';
import { localizeInstants } from '../lib/format.js';
import { useCan } from '../session-context.js';
import { Field, FormErrorList, QueryError } from './form.js';

/** A vantage as the assignment forms offer it: live ones only (a revoked vantage cannot be assigned). */
export interface VantageChoice {
  id: string;
  name: string;
  kind: 'platform' | 'private';
  central: boolean;
  revokedAt: string | null;
}

/** What `VantageAssignmentInput` takes: the vantages (null: every platform vantage), the quorum (null: majority), k of N (null: all). */
export interface AssignmentInput {
  vantageIds: string[] | null;
  quorum: number | null;
  count: number | null;
}

/** The form's own state: text fields as typed, so an empty quorum is "a majority" and an empty count is "all". */
export interface AssignmentDraft {
  every: boolean;
  chosen: string[];
  quorum: string;
  count: string;
}

export const ASSIGNMENT_FIELDS = ['vantageIds', 'quorum', 'count'];
export const EMPTY_DRAFT: AssignmentDraft = { every: true, chosen: [], quorum: '', count: '' };

/** An assignment as set, as the form shows it: an edit starts from what is set now (it started empty, and a quorum typed alone dropped the agents). */
export function draftOf(setting: AssignmentInput | null | undefined): AssignmentDraft {
  if (!setting) return EMPTY_DRAFT;
  const text = (n: number | null) => (n === null ? '' : String(n));
  return { every: setting.vantageIds === null, chosen: setting.vantageIds ?? [], quorum: text(setting.quorum), count: text(setting.count) };
}

export function draftInput(draft: AssignmentDraft): AssignmentInput {
  // Numbers go as typed (even 0 or too many): the API is the one judge, and its refusal lands at the field.
  const number = (text: string) => (text.trim() === '' ? null : Number(text));
  return { vantageIds: draft.every ? null : draft.chosen, quorum: number(draft.quorum), count: number(draft.count) };
}

/** Voters the draft assigns: the central watchdogs as one, each agent as one; k of N when set. */
function votersOf(draft: AssignmentDraft, vantages: VantageChoice[]): number {
  const live = vantages.filter((v) => !v.revokedAt && (draft.every ? v.kind === 'platform' : draft.chosen.includes(v.id)));
  const voters = (live.some((v) => v.central) ? 1 : 0) + live.filter((v) => !v.central).length;
  const k = Number(draft.count);
  return draft.count.trim() !== '' && Number.isInteger(k) && k > 0 ? Math.min(k, voters) : voters;
}

/** A quorum of every assigned vantage (2 of 2): allowed, but one vantage lost and nothing can be confirmed down. */
function allMustAgree(draft: AssignmentDraft, vantages: VantageChoice[]): boolean {
  const quorum = Number(draft.quorum);
  const voters = votersOf(draft, vantages);
  return draft.quorum.trim() !== '' && voters >= 2 && quorum === voters;
}

/** "Which vantages" and "how many must agree", the fields of `VantageAssignmentInput`; shared with the tenant's default. */
export function AssignmentFields({ draft, onChange, vantages, errors }: { draft: AssignmentDraft; onChange: (d: AssignmentDraft) => void; vantages: VantageChoice[]; errors: FormErrors }) {
  // Live ones, and a revoked one still named (it never votes again: said, so that it is unticked rather than kept unseen).
  const live = vantages.filter((v) => !v.revokedAt || (!draft.every && draft.chosen.includes(v.id)));
  const errorId = `${useId()}-error`;
  const toggle = (id: string) => onChange({ ...draft, chosen: draft.chosen.includes(id) ? draft.chosen.filter((c) => c !== id) : [...draft.chosen, id] });
  return (
    <>
      <fieldset className={`days${errors.fields.vantageIds ? ' field-invalid' : ''}`} aria-describedby={errors.fields.vantageIds ? errorId : undefined}>
        <legend>Probed from</legend>
        <label>
          <input type="radio" checked={draft.every} onChange={() => onChange({ ...draft, every: true })} /> every platform vantage (the central watchdogs and every platform agent)
        </label>
        <label>
          <input type="radio" checked={!draft.every} onChange={() => onChange({ ...draft, every: false })} /> these vantages:
        </label>
        {live.map((v) => (
          <label key={v.id}>
            <input type="checkbox" disabled={draft.every} checked={!draft.every && draft.chosen.includes(v.id)} onChange={() => toggle(v.id)} /> {v.name}{' '}
            <span className="muted">({v.revokedAt ? 'revoked: it never votes again — untick it' : v.central ? 'central watchdog' : v.kind})</span>
          </label>
        ))}
        {errors.fields.vantageIds && (
          <small id={errorId} className="error" role="alert">
            {errors.fields.vantageIds}
          </small>
        )}
      </fieldset>
      <Field label="Quorum" error={errors.fields.quorum} hint="How many vantages must confirm down before it is down (an incident, a page, a failover); empty: a majority of the assigned ones">
        {(p) => <input {...p} type="number" min={1} max={50} placeholder="majority" value={draft.quorum} onChange={(e) => onChange({ ...draft, quorum: e.target.value })} />}
      </Field>
      {allMustAgree(draft, vantages) && (
        <p className="muted" role="note" data-testid="quorum-all">
          Every vantage must confirm: with one of them impaired, cut off or revoked, no outage of this monitor can be confirmed — no incident, no page, no
          failover — until it is back. A quorum below the number of vantages (2 of 3) tolerates one.
        </p>
      )}
      <Field label="Probe from only" error={errors.fields.count} hint="k of the vantages, chosen per monitor among the healthy ones (an impaired one is replaced by the next); empty: all of them">
        {(p) => <input {...p} type="number" min={1} max={50} placeholder="all" value={draft.count} onChange={(e) => onChange({ ...draft, count: e.target.value })} />}
      </Field>
    </>
  );
}

interface Assignment {
  central: boolean;
  agents: { id: string; name: string }[];
  impaired: { name: string; reason: string }[];
  count: number | null;
  quorum: number;
  majority: boolean;
  inherited: boolean;
  setting: AssignmentInput;
}

/** The effective assignment in words: who probes, who is impaired and why, how many must agree. */
export function assignmentWords(a: Assignment | null): string {
  if (!a) return 'The central watchdog alone (quorum 1): no assignment here and no company default.';
  const who = [...(a.central ? ['the central watchdogs'] : []), ...a.agents.map((v) => v.name)];
  const impaired = a.impaired.length ? ` Not voting now: ${a.impaired.map((i) => `${i.name} (${localizeInstants(i.reason)})`).join('; ')}.` : '';
  const names = who.join(', ') || 'no vantage';
  return `${names[0]!.toUpperCase()}${names.slice(1)}${a.count === null ? '' : ` (${a.count} of them per monitor)`}; down needs ${a.quorum}${a.majority ? ' (a majority)' : ''}.${impaired}${a.inherited ? ' From the company’s default.' : ''}`;
}

const MONITOR_VANTAGES = `query MonitorVantages($id: ID!) {
  monitor(id: $id) { id vantageAssignment { central agents { id name } impaired { name reason } count quorum majority inherited setting { vantageIds quorum count } } }
  vantages { id name kind central revokedAt }
}`;

/**
 * A monitor's vantages and quorum (`setMonitorVantages`): shown to everyone, the form to operators. A quorum larger
 * than the vantages chosen is refused by the API at its field, and nothing is saved.
 */
export function MonitorVantages({ monitorId }: { monitorId: string }) {
  const [{ data, error }, refetch] = useQuery<{ monitor: { vantageAssignment: Assignment | null }; vantages: VantageChoice[] }>({ query: MONITOR_VANTAGES, variables: { id: monitorId } });
  const canEdit = useCan('operator');
  // Null until edited: the form shows the assignment as set (its own, or the default it inherits), read afresh after a save.
  const [edited, setDraft] = useState<AssignmentDraft | null>(null);
  const [saved, setSaved] = useState('');
  const [result, save] = useMutation(
    'mutation SetMonitorVantages($id: ID!, $input: VantageAssignmentInput) { setMonitorVantages(monitorId: $id, input: $input) { quorum } }',
  );
  const errors = formErrors(result.error, ASSIGNMENT_FIELDS);
  if (!data) return <QueryError error={error} />;
  const assignment = data.monitor.vantageAssignment;
  const draft = edited ?? draftOf(assignment?.setting);
  const submit = async (input: AssignmentInput | null, what: string) => {
    setSaved('');
    const res = await save({ id: monitorId, input });
    if (!res.error) {
      setSaved(what);
      setDraft(null);
      refetch({ requestPolicy: 'network-only' });
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(draftInput(draft), 'Saved.');
  };
  return (
    <section aria-labelledby="monitor-vantages">
      <h2 id="monitor-vantages">Vantages</h2>
      <p data-testid="monitor-assignment">{assignmentWords(assignment)}</p>
      {canEdit && (
        <div className="cards">
          <form className="card" onSubmit={onSubmit} aria-labelledby="monitor-vantages-form">
            <h3 id="monitor-vantages-form">Probe it from</h3>
            <FormErrorList errors={errors} />
            <AssignmentFields
              draft={draft}
              onChange={(d) => {
                setSaved('');
                setDraft(d);
              }}
              vantages={data.vantages}
              errors={errors}
            />
            <button type="submit" className="primary" disabled={result.fetching}>
              Save
            </button>{' '}
            {assignment && !assignment.inherited && (
              <button type="button" disabled={result.fetching} onClick={() => void submit(null, 'Back to the company’s default.')}>
                Use the company’s default
              </button>
            )}
            {saved && (
              <span role="status" className="muted">
                {' '}
                {saved}
              </span>
            )}
          </form>
        </div>
      )}
    </section>
  );
}
