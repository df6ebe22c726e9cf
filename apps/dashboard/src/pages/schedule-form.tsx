import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList } from '../components/form.js';
import { timeZoneNames } from '../lib/zoned-time.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const DAY_NAMES: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const UNITS = ['hours', 'days', 'weeks'] as const;
type Unit = (typeof UNITS)[number];

export interface ScheduleLayer {
  name: string;
  participantIds: string[];
  rotationEvery: number;
  rotationUnit: Unit;
  start: string;
  restrictions: { days: Weekday[]; from: string; to: string }[];
}

export interface ScheduleDefinition {
  id: string;
  name: string;
  timeZone: string;
  layers: ScheduleLayer[];
}

export interface Person {
  id: string;
  displayName: string;
}

/** A labelled choice of one person (who covers an override, whose contacts are shown). */
export function PersonSelect({ label, people, value, onChange, error }: { label: string; people: Person[]; value: string; onChange: (id: string) => void; error?: string }) {
  return (
    <Field label={label} error={error}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {people.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The fields a schedule's form edits, as the API reads them. */
export const SCHEDULE_FIELDS = 'id name timeZone layers { name participantIds rotationEvery rotationUnit start restrictions { days from to } }';

interface LayerDraft extends Omit<ScheduleLayer, 'rotationEvery'> {
  key: number;
  // As typed: the API judges it (a whole number from 1), so its words appear beside the field.
  rotationEvery: string;
}

let nextKey = 0;
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function newLayer(position: number): LayerDraft {
  // First handoff: next Monday 09:00 (a date, not an instant: it is read in the schedule's zone).
  const monday = new Date();
  monday.setDate(monday.getDate() + ((8 - monday.getDay()) % 7 || 7));
  const date = `${monday.getFullYear()}-${String(monday.getMonth() + 1).padStart(2, '0')}-${String(monday.getDate()).padStart(2, '0')}`;
  return { key: nextKey++, name: `Layer ${position}`, participantIds: [], rotationEvery: '1', rotationUnit: 'weeks', start: `${date}T09:00`, restrictions: [] };
}

function draftOf(layer: ScheduleLayer): LayerDraft {
  return { ...layer, key: nextKey++, rotationEvery: String(layer.rotationEvery), restrictions: layer.restrictions.map((r) => ({ ...r, days: [...r.days] })) };
}

/** Every field name the API may blame, so its error lands beside the control (`layers[0].restrictions[1].from`). */
function knownFields(layers: LayerDraft[]): string[] {
  const known = ['name', 'timeZone', 'layers'];
  layers.forEach((l, i) => {
    const at = `layers[${i}]`;
    known.push(at, `${at}.name`, `${at}.participantIds`, `${at}.rotationEvery`, `${at}.rotationUnit`, `${at}.start`, `${at}.restrictions`);
    l.restrictions.forEach((_r, j) => known.push(`${at}.restrictions[${j}]`, `${at}.restrictions[${j}].days`, `${at}.restrictions[${j}].from`, `${at}.restrictions[${j}].to`));
  });
  return known;
}

/**
 * Creates or edits a schedule: its name, its IANA zone (from a list), and its layers (bottom first) — each a rotation of
 * participants in order, its length, its first handoff in the schedule's zone, and the hours it is on duty.
 */
export function ScheduleForm({ schedule, people, onSaved, onCancel }: { schedule?: ScheduleDefinition; people: Person[]; onSaved: (id: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(schedule?.name ?? '');
  const [timeZone, setTimeZone] = useState(schedule?.timeZone ?? BROWSER_ZONE);
  const [layers, setLayers] = useState<LayerDraft[]>(() => (schedule ? schedule.layers.map(draftOf) : [newLayer(1)]));
  const [created, create] = useMutation<{ createSchedule: { id: string } }>('mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { id } }');
  const [updated, update] = useMutation<{ updateSchedule: { id: string } }>('mutation UpdateSchedule($id: ID!, $input: ScheduleInput!) { updateSchedule(id: $id, input: $input) { id } }');
  const errors = formErrors(schedule ? updated.error : created.error, knownFields(layers));
  const zones = timeZoneNames(timeZone);
  const heading = schedule ? `Edit schedule ${schedule.name}` : 'New schedule';
  // Opened from a button that then goes away (Edit schedule): focus moves into the form, not back to the page's start.
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);

  const change = (i: number, patch: Partial<LayerDraft>) => setLayers((all) => all.map((l, at) => (at === i ? { ...l, ...patch } : l)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name,
      timeZone,
      layers: layers.map((l) => ({ name: l.name, participantIds: l.participantIds, rotationEvery: Number(l.rotationEvery), rotationUnit: l.rotationUnit, start: l.start.slice(0, 16), restrictions: l.restrictions })),
    };
    if (schedule) {
      const res = await update({ id: schedule.id, input });
      if (!res.error && res.data) onSaved(res.data.updateSchedule.id);
    } else {
      const res = await create({ input });
      if (!res.error && res.data) onSaved(res.data.createSchedule.id);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-label={heading}>
      <h2>{heading}</h2>
      <FormErrorList errors={errors} />
      <div className="grid-form">
        <Field label="Name" error={errors.fields.name}>
          {(p) => <input {...p} ref={nameInput} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Time zone" error={errors.fields.timeZone} hint="Handoffs and restrictions are read in this zone, across DST">
          {(p) => (
            <select {...p} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className="muted">Layers, bottom first: a later layer wins wherever it has someone on duty; overrides win over every layer.</p>
      {errors.fields.layers && (
        <p className="error" role="alert">
          {errors.fields.layers}
        </p>
      )}
      {layers.map((layer, i) => (
        <LayerFields
          key={layer.key}
          index={i}
          layer={layer}
          people={people}
          timeZone={timeZone}
          errors={errors.fields}
          onChange={(patch) => change(i, patch)}
          onRemove={layers.length > 1 ? () => setLayers((all) => all.filter((_l, at) => at !== i)) : undefined}
        />
      ))}
      <div className="buttons">
        <button type="button" onClick={() => setLayers((all) => [...all, newLayer(all.length + 1)])}>
          Add a layer
        </button>
        <button type="submit" className="primary" disabled={created.fetching || updated.fetching}>
          {schedule ? 'Save schedule' : 'Create schedule'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface LayerProps {
  index: number;
  layer: LayerDraft;
  people: Person[];
  timeZone: string;
  errors: Record<string, string>;
  onChange: (patch: Partial<LayerDraft>) => void;
  onRemove?: () => void;
}

function LayerFields({ index, layer, people, timeZone, errors, onChange, onRemove }: LayerProps) {
  const at = `layers[${index}]`;
  const [adding, setAdding] = useState('');
  const nameOf = (id: string) => people.find((p) => p.id === id)?.displayName ?? id;
  const candidates = people.filter((p) => !layer.participantIds.includes(p.id));
  const chosen = candidates.some((p) => p.id === adding) ? adding : (candidates[0]?.id ?? '');
  const move = (from: number, to: number) => {
    const ids = [...layer.participantIds];
    const [id] = ids.splice(from, 1);
    ids.splice(to, 0, id!);
    onChange({ participantIds: ids });
  };
  const setRestriction = (j: number, patch: Partial<LayerDraft['restrictions'][number]>) => onChange({ restrictions: layer.restrictions.map((r, k) => (k === j ? { ...r, ...patch } : r)) });
  return (
    <fieldset className="layer">
      <legend>Layer {index + 1}</legend>
      {errors[at] && (
        <p className="error" role="alert">
          {errors[at]}
        </p>
      )}
      <div className="grid-form">
        <Field label="Layer name" error={errors[`${at}.name`]}>
          {(p) => <input {...p} value={layer.name} onChange={(e) => onChange({ name: e.target.value })} />}
        </Field>
        <Field label="Rotates every" error={errors[`${at}.rotationEvery`]}>
          {(p) => <input {...p} type="number" inputMode="numeric" value={layer.rotationEvery} onChange={(e) => onChange({ rotationEvery: e.target.value })} />}
        </Field>
        <Field label="Unit" error={errors[`${at}.rotationUnit`]} hint="hours are real hours; days and weeks are calendar days in the zone">
          {(p) => (
            <select {...p} value={layer.rotationUnit} onChange={(e) => onChange({ rotationUnit: e.target.value as Unit })}>
              {UNITS.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="First handoff" error={errors[`${at}.start`]} hint={`in ${timeZone}; later handoffs keep its time of day`}>
          {(p) => <input {...p} type="datetime-local" value={layer.start} onChange={(e) => onChange({ start: e.target.value })} />}
        </Field>
      </div>

      <h3 className="subhead">Participants, in the order they take over</h3>
      {layer.participantIds.length ? (
        <ol className="participants">
          {layer.participantIds.map((id, j) => (
            <li key={id} data-participant={nameOf(id)}>
              <span>{nameOf(id)}</span>
              <button type="button" aria-label={`Move ${nameOf(id)} up`} disabled={j === 0} onClick={() => move(j, j - 1)}>
                ↑
              </button>
              <button type="button" aria-label={`Move ${nameOf(id)} down`} disabled={j === layer.participantIds.length - 1} onClick={() => move(j, j + 1)}>
                ↓
              </button>
              <button type="button" aria-label={`Remove ${nameOf(id)}`} onClick={() => onChange({ participantIds: layer.participantIds.filter((x) => x !== id) })}>
                Remove
              </button>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">Nobody yet: this layer covers nothing (a gap) until someone is added.</p>
      )}
      <div className="inline-field">
        <Field label="Add a participant" error={errors[`${at}.participantIds`]}>
          {(p) => (
            <select {...p} value={chosen} onChange={(e) => setAdding(e.target.value)} disabled={!candidates.length}>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" disabled={!chosen} onClick={() => onChange({ participantIds: [...layer.participantIds, chosen] })}>
          Add
        </button>
      </div>

      <h3 className="subhead">When this layer is on duty</h3>
      {errors[`${at}.restrictions`] && (
        <p className="error" role="alert">
          {errors[`${at}.restrictions`]}
        </p>
      )}
      {!layer.restrictions.length && <p className="muted">All the time.</p>}
      {layer.restrictions.map((r, j) => (
        <RestrictionFields
          key={j}
          label={`Layer ${index + 1}, restriction ${j + 1}`}
          restriction={r}
          timeZone={timeZone}
          errors={{ days: errors[`${at}.restrictions[${j}].days`] ?? errors[`${at}.restrictions[${j}]`], from: errors[`${at}.restrictions[${j}].from`], to: errors[`${at}.restrictions[${j}].to`] }}
          onChange={(patch) => setRestriction(j, patch)}
          onRemove={() => onChange({ restrictions: layer.restrictions.filter((_x, k) => k !== j) })}
        />
      ))}
      <div className="buttons">
        <button type="button" onClick={() => onChange({ restrictions: [...layer.restrictions, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }] })}>
          Add a restriction
        </button>
        {onRemove && (
          <button type="button" onClick={onRemove}>
            Remove layer {index + 1}
          </button>
        )}
      </div>
    </fieldset>
  );
}

interface RestrictionProps {
  label: string;
  restriction: { days: Weekday[]; from: string; to: string };
  timeZone: string;
  errors: { days?: string; from?: string; to?: string };
  onChange: (patch: Partial<{ days: Weekday[]; from: string; to: string }>) => void;
  onRemove: () => void;
}

function RestrictionFields({ label, restriction, timeZone, errors, onChange, onRemove }: RestrictionProps) {
  const toggle = (day: Weekday, on: boolean) => onChange({ days: WEEKDAYS.filter((d) => (d === day ? on : restriction.days.includes(d))) });
  return (
    <fieldset className="restriction" aria-label={label}>
      <fieldset className={`days${errors.days ? ' field-invalid' : ''}`}>
        <legend>Days</legend>
        {WEEKDAYS.map((d) => (
          <label key={d} className="check">
            <input type="checkbox" checked={restriction.days.includes(d)} aria-invalid={!!errors.days} onChange={(e) => toggle(d, e.target.checked)} />
            {DAY_NAMES[d]}
          </label>
        ))}
        {errors.days && (
          <small className="error" role="alert">
            {errors.days}
          </small>
        )}
      </fieldset>
      <Field label="From" error={errors.from} hint={timeZone}>
        {(p) => <input {...p} type="time" value={restriction.from} onChange={(e) => onChange({ from: e.target.value })} />}
      </Field>
      <Field label="Until" error={errors.to} hint="at or before From: the next day">
        {(p) => <input {...p} type="time" value={restriction.to} onChange={(e) => onChange({ to: e.target.value })} />}
      </Field>
      <button type="button" onClick={onRemove} aria-label={`Remove ${label.toLowerCase()}`}>
        Remove
      </button>
    </fieldset>
  );
}
