import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { wallClockToInstant } from '../lib/zoned-time.js';
import { useCan } from '../session-context.js';
import { ContactSettings } from './contact-settings.js';
import { type Person, PersonSelect, SCHEDULE_FIELDS, type ScheduleDefinition, ScheduleForm } from './schedule-form.js';

export const WHO_IS_ON_CALL = 'query WhoIsOnCall { whoIsOnCall { scheduleId scheduleName timeZone shift { userName gap end } } }';

const SCHEDULES = `query Schedules { schedules { ${SCHEDULE_FIELDS} shifts { start end userName source gap } overrides { id userId startsAt endsAt } } users(first: 200) { nodes { id displayName } } }`;

interface Shift {
  start: string;
  end: string;
  userName: string | null;
  source: string | null;
  gap: boolean;
}

interface SchedulesData {
  schedules: (ScheduleDefinition & { shifts: Shift[]; overrides: { id: string; userId: string; startsAt: string; endsAt: string }[] })[];
  users: { nodes: Person[] };
}

export interface OnCallNow {
  scheduleId: string;
  scheduleName: string;
  timeZone: string;
  shift: { userName: string | null; gap: boolean; end: string };
}

/** A date and time in the schedule's zone, said with the zone: the rota is read where it is kept. */
function local(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** Who is on call in every schedule, for the top bar: "On call: ana (Primary)". */
export function OnCallHeader() {
  const [{ data }] = useQuery<{ whoIsOnCall: OnCallNow[] }>({ query: WHO_IS_ON_CALL });
  if (!data?.whoIsOnCall.length) return null;
  return (
    <p className="oncall-now" data-testid="on-call-now">
      On call:{' '}
      {data.whoIsOnCall.map((o, i) => (
        <span key={o.scheduleId}>
          {i > 0 && ', '}
          {o.shift.gap ? <em>nobody</em> : o.shift.userName} <span className="muted">({o.scheduleName})</span>
        </span>
      ))}
    </p>
  );
}

/**
 * The schedules' next 14 days, drawn as a strip and listed, gaps included; an override added from here; schedules
 * created, edited and deleted (admins); everyone's contact methods and notification rules below.
 */
export function OnCallPage() {
  const [{ data, fetching, error }, refetch] = useQuery<SchedulesData>({ query: SCHEDULES });
  const [chosen, setChosen] = useState('');
  // The schedule form, when open: a new schedule, or the one shown.
  const [editing, setEditing] = useState<'new' | 'shown' | null>(null);
  const canOverride = useCan('operator');
  const canEdit = useCan('admin');
  const [deleted, remove] = useMutation('mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }');
  const [removedOverride, removeOverride] = useMutation('mutation DeleteOverride($id: ID!) { deleteScheduleOverride(id: $id) }');
  const schedule = data?.schedules.find((s) => s.id === chosen) ?? data?.schedules[0];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const people = data?.users.nodes ?? [];
  const onDelete = async () => {
    if (!schedule || !window.confirm(`Delete the schedule ${schedule.name}? Its layers and overrides go with it; escalation steps that page it page nobody.`)) return;
    const res = await remove({ id: schedule.id });
    if (!res.error) {
      setChosen('');
      reload();
    }
  };
  return (
    <Page
      title="On call"
      actions={
        canEdit && (
          <button type="button" onClick={() => setEditing('new')} disabled={editing !== null}>
            New schedule
          </button>
        )
      }
    >
      <QueryError error={error ?? deleted.error ?? removedOverride.error} />
      {editing && (
        <ScheduleForm
          key={editing === 'new' ? 'new' : schedule?.id}
          schedule={editing === 'shown' ? schedule : undefined}
          people={people}
          onCancel={() => setEditing(null)}
          onSaved={(id) => {
            setEditing(null);
            setChosen(id);
            reload();
          }}
        />
      )}
      {fetching && !data ? (
        <Loading what="schedules" />
      ) : !schedule ? (
        <p className="muted">No schedules yet{canEdit ? ': create one with New schedule.' : '; an admin creates them.'}</p>
      ) : (
        <>
          {data!.schedules.length > 1 && (
            <Field label="Schedule">
              {(p) => (
                <select {...p} value={schedule.id} onChange={(e) => setChosen(e.target.value)}>
                  {data!.schedules.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <h2>
            {schedule.name}: the next 14 days <span className="muted">(times in {schedule.timeZone})</span>
          </h2>
          {canEdit && editing === null && (
            <div className="buttons">
              <button type="button" onClick={() => setEditing('shown')}>
                Edit schedule
              </button>
              <button type="button" className="danger" onClick={onDelete}>
                Delete schedule
              </button>
            </div>
          )}
          <ShiftStrip shifts={schedule.shifts} />
          <DataTable head={['From', 'Until', 'On call', 'Layer']}>
            {schedule.shifts.map((s) => (
              <tr key={s.start} data-shift={s.gap ? 'gap' : s.userName ?? ''} className={s.gap ? 'shift-row-gap' : undefined}>
                <td>{local(s.start, schedule.timeZone)}</td>
                <td>{local(s.end, schedule.timeZone)}</td>
                <td>{s.gap ? <strong>Nobody on call (gap)</strong> : s.userName}</td>
                <td>{s.source ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
          {schedule.overrides.length > 0 && (
            <>
              <h3 className="subhead">Overrides not ended yet</h3>
              <DataTable head={['From', 'Until', 'Who covers', '']}>
                {schedule.overrides.map((o) => {
                  const who = people.find((u) => u.id === o.userId)?.displayName ?? o.userId;
                  return (
                    <tr key={o.id} data-override={who}>
                      <td>{local(o.startsAt, schedule.timeZone)}</td>
                      <td>{local(o.endsAt, schedule.timeZone)}</td>
                      <td>{who}</td>
                      <td>
                        {canOverride && (
                          <button type="button" aria-label={`Remove the override of ${who} from ${local(o.startsAt, schedule.timeZone)}`} onClick={() => removeOverride({ id: o.id }).then(reload)}>
                            Remove
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </DataTable>
            </>
          )}
          {canOverride && <OverrideForm key={schedule.id} scheduleId={schedule.id} timeZone={schedule.timeZone} people={people} onSaved={reload} />}
        </>
      )}
      <ContactSettings people={people} />
    </Page>
  );
}

/** One bar per shift, its width its share of the period; gaps hatched, each bar titled for a screen reader. */
function ShiftStrip({ shifts }: { shifts: Shift[] }) {
  if (!shifts.length) return null;
  const from = Date.parse(shifts[0]!.start);
  const total = Date.parse(shifts.at(-1)!.end) - from;
  const people = [...new Set(shifts.filter((s) => !s.gap).map((s) => s.userName))];
  return (
    <div className="shift-strip" role="img" aria-label={`Shifts: ${shifts.map((s) => (s.gap ? 'gap' : s.userName)).join(', ')}`}>
      {shifts.map((s) => (
        <span
          key={s.start}
          className={s.gap ? 'shift shift-gap' : `shift shift-p${people.indexOf(s.userName) % 6}`}
          style={{ width: `${((Date.parse(s.end) - Date.parse(s.start)) / total) * 100}%` }}
          title={`${s.gap ? 'nobody' : s.userName}: ${s.start} – ${s.end}`}
        />
      ))}
    </div>
  );
}

/** An override's times are wall-clock times in the schedule's zone (said beside the fields), whatever the browser's. */
function OverrideForm({ scheduleId, timeZone, people, onSaved }: { scheduleId: string; timeZone: string; people: Person[]; onSaved: () => void }) {
  const [userId, setUserId] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [zoneError, setZoneError] = useState('');
  const [result, add] = useMutation('mutation AddOverride($input: OverrideInput!) { addScheduleOverride(input: $input) { id } }');
  const errors = formErrors(result.error, ['userId', 'startsAt', 'endsAt', 'scheduleId']);
  const who = userId || (people[0]?.id ?? '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let times: { startsAt: string; endsAt: string };
    try {
      times = { startsAt: await wallClockToInstant(startsAt, timeZone), endsAt: await wallClockToInstant(endsAt, timeZone) };
    } catch (error) {
      setZoneError(error instanceof Error ? error.message : String(error));
      return;
    }
    setZoneError('');
    const res = await add({ input: { scheduleId, userId: who, ...times } });
    if (!res.error) onSaved();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-override">
      <h2 id="add-override">Add an override</h2>
      <FormErrorList errors={errors} />
      {zoneError && (
        <p role="alert" className="error">
          {zoneError}
        </p>
      )}
      <PersonSelect label="Who covers" people={people} value={who} onChange={setUserId} error={errors.fields.userId} />
      <Field label="From" error={errors.fields.startsAt} hint={`in ${timeZone}, the schedule's zone`}>
        {(p) => <input {...p} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />}
      </Field>
      <Field label="Until" error={errors.fields.endsAt} hint={`in ${timeZone}`}>
        {(p) => <input {...p} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Add override
      </button>
    </form>
  );
}
