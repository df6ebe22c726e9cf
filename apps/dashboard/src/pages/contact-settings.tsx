import { type FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { useCan } from '../session-context.js';
import { type Person, PersonSelect } from './schedule-form.js';

const KINDS = {
  email: { label: 'E-mail', hint: 'An e-mail address' },
  phone: { label: 'Phone (SMS and voice)', hint: 'E.164: +, country code and number, no spaces, e.g. +34600111222' },
  slack: { label: 'Slack', hint: 'The Slack member id, e.g. U024BE7LH' },
  telegram: { label: 'Telegram', hint: 'The numeric Telegram user id' },
  teams: { label: 'Microsoft Teams', hint: 'The Teams user id or UPN' },
  discord: { label: 'Discord', hint: 'The Discord user id' },
  mattermost: { label: 'Mattermost / Rocket.Chat', hint: 'The user name' },
} as const;
type Kind = keyof typeof KINDS;
type PhoneMode = 'sms' | 'voice';

interface ContactMethod {
  id: string;
  kind: Kind;
  address: string;
  label: string | null;
}

interface Rule {
  contactMethodId: string;
  delayMinutes: number;
  phoneMode: PhoneMode | null;
}

const PEOPLE = 'query Contacts($userId: ID) { contactMethods(userId: $userId) { id kind address label } notificationRules(userId: $userId) { id contactMethodId delayMinutes phoneMode } }';
const ME = '{ me { user { id } } }';

/** "SMS at once, voice after 5 min": a person's rules as they would say them. */
export function describeRules(rules: Rule[], methods: ContactMethod[]): string {
  if (!rules.length) return 'No rules: an e-mail to the login address at once.';
  return rules
    .map((r) => {
      const method = methods.find((m) => m.id === r.contactMethodId);
      const how = method?.kind === 'phone' ? (r.phoneMode === 'voice' ? 'voice call' : 'SMS') : method ? KINDS[method.kind].label : 'a removed method';
      return `${how}${method ? ` to ${method.address}` : ''} ${r.delayMinutes ? `after ${r.delayMinutes} min` : 'at once'}`;
    })
    .join(', ');
}

/**
 * A person's contact methods (e-mail, phone, chat accounts) and personal notification rules. Everyone edits their own;
 * admins choose anyone (the API says the same).
 */
export function ContactSettings({ people }: { people: Person[] }) {
  const isAdmin = useCan('admin');
  const [{ data: me }] = useQuery<{ me: { user: { id: string } | null } }>({ query: ME });
  const [chosen, setChosen] = useState('');
  const userId = chosen || me?.me.user?.id || '';
  const [{ data, error }, refetch] = useQuery<{ contactMethods: ContactMethod[]; notificationRules: Rule[] }>({ query: PEOPLE, variables: { userId }, pause: !userId });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const methods = data?.contactMethods ?? [];
  const [, remove] = useMutation('mutation RemoveContact($id: ID!) { removeContactMethod(id: $id) }');
  const name = people.find((p) => p.id === userId)?.displayName ?? 'you';

  return (
    <section aria-labelledby="contact-settings">
      <h2 id="contact-settings">How people are paged</h2>
      {isAdmin && people.length > 1 && (
        <PersonSelect label="Person" people={people} value={userId} onChange={setChosen} />
      )}
      <QueryError error={error} />
      {!me?.me.user && <p className="muted">An API token has no contact methods of its own.</p>}
      {userId && (
        <>
          <h3 className="subhead">Contact methods of {name}</h3>
          <DataTable head={['Kind', 'Address', 'Label', '']}>
            {methods.map((m) => (
              <tr key={m.id} data-contact={m.address}>
                <td>{KINDS[m.kind].label}</td>
                <td className="wrap-anywhere">{m.address}</td>
                <td>{m.label ?? '—'}</td>
                <td>
                  <button type="button" aria-label={`Remove ${m.address}`} onClick={() => remove({ id: m.id }).then(reload)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
          <ContactMethodForm userId={userId} onSaved={reload} />
          {data && <RulesForm key={userId} userId={userId} methods={methods} rules={data.notificationRules} onSaved={reload} />}
        </>
      )}
    </section>
  );
}

function ContactMethodForm({ userId, onSaved }: { userId: string; onSaved: () => void }) {
  const [kind, setKind] = useState<Kind>('email');
  const [address, setAddress] = useState('');
  const [label, setLabel] = useState('');
  const [added, add] = useMutation('mutation AddContact($input: ContactMethodInput!) { addContactMethod(input: $input) { id } }');
  const errors = formErrors(added.error, ['userId', 'kind', 'address', 'label']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await add({ input: { userId, kind, address: address.trim(), label: label.trim() || undefined } });
    if (!res.error) {
      setAddress('');
      setLabel('');
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Add a contact method">
      <h3 className="subhead">Add a contact method</h3>
      <FormErrorList errors={errors} />
      <div className="grid-form">
        <Field label="Kind" error={errors.fields.kind}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {Object.entries(KINDS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Address" error={errors.fields.address ?? errors.fields.userId} hint={KINDS[kind].hint}>
          {(p) => <input {...p} type={kind === 'email' ? 'email' : kind === 'phone' ? 'tel' : 'text'} value={address} onChange={(e) => setAddress(e.target.value)} />}
        </Field>
        <Field label="Label" error={errors.fields.label} hint="Optional, e.g. work mobile">
          {(p) => <input {...p} value={label} onChange={(e) => setLabel(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" className="primary" disabled={added.fetching}>
        Add contact method
      </button>
    </form>
  );
}

interface RuleDraft {
  key: number;
  contactMethodId: string;
  delayMinutes: string;
  phoneMode: PhoneMode;
}

let nextKey = 0;

function RulesForm({ userId, methods, rules, onSaved }: { userId: string; methods: ContactMethod[]; rules: Rule[]; onSaved: () => void }) {
  const [drafts, setDrafts] = useState<RuleDraft[]>([]);
  const [saved, save] = useMutation<{ setNotificationRules: Rule[] }>('mutation SetRules($input: NotificationRulesInput!) { setNotificationRules(input: $input) { id } }');
  const [done, setDone] = useState(false);
  // The stored rules, whenever they change (a save, a removed contact method taking its rules with it): the form edits
  // a copy and replaces them all on save. Compared by content, so a re-read that finds the same rules (after a contact
  // method is added) keeps what is being typed.
  const stored = JSON.stringify(rules.map((r) => [r.contactMethodId, r.delayMinutes, r.phoneMode]));
  useEffect(() => {
    setDrafts((JSON.parse(stored) as [string, number, PhoneMode | null][]).map(([contactMethodId, delayMinutes, phoneMode]) => ({ key: nextKey++, contactMethodId, delayMinutes: String(delayMinutes), phoneMode: phoneMode ?? 'sms' })));
  }, [stored]);
  const known = ['userId', 'rules', ...drafts.flatMap((_d, i) => [`rules[${i}]`, `rules[${i}].contactMethodId`, `rules[${i}].delayMinutes`, `rules[${i}].phoneMode`])];
  const errors = formErrors(saved.error, known);
  const kindOf = (id: string) => methods.find((m) => m.id === id)?.kind;
  const change = (i: number, patch: Partial<RuleDraft>) => {
    setDone(false);
    setDrafts((all) => all.map((d, at) => (at === i ? { ...d, ...patch } : d)));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    const input = { userId, rules: drafts.map((d) => ({ contactMethodId: d.contactMethodId, delayMinutes: Number(d.delayMinutes), ...(kindOf(d.contactMethodId) === 'phone' ? { phoneMode: d.phoneMode } : {}) })) };
    const res = await save({ input });
    if (!res.error) {
      setDone(true);
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Notification rules">
      <h3 className="subhead">Notification rules</h3>
      <p className="muted" data-testid="rules-summary">
        {describeRules(rules, methods)}
      </p>
      <p className="muted">Minutes after the person is paged; a later rule goes out only while nobody has acknowledged.</p>
      <FormErrorList errors={errors} />
      {errors.fields.rules && (
        <p className="error" role="alert">
          {errors.fields.rules}
        </p>
      )}
      {drafts.map((d, i) => (
        <fieldset key={d.key} className="rule" aria-label={`Rule ${i + 1}`}>
          <Field label="Contact method" error={errors.fields[`rules[${i}].contactMethodId`] ?? errors.fields[`rules[${i}]`]}>
            {(p) => (
              <select {...p} value={d.contactMethodId} onChange={(e) => change(i, { contactMethodId: e.target.value })}>
                {methods.map((m) => (
                  <option key={m.id} value={m.id}>
                    {KINDS[m.kind].label}: {m.address}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {kindOf(d.contactMethodId) === 'phone' && (
            <Field label="As" error={errors.fields[`rules[${i}].phoneMode`]}>
              {(p) => (
                <select {...p} value={d.phoneMode} onChange={(e) => change(i, { phoneMode: e.target.value as PhoneMode })}>
                  <option value="sms">SMS</option>
                  <option value="voice">Voice call</option>
                </select>
              )}
            </Field>
          )}
          <Field label="After (minutes)" error={errors.fields[`rules[${i}].delayMinutes`]} hint="0: at once">
            {(p) => <input {...p} type="number" inputMode="numeric" value={d.delayMinutes} onChange={(e) => change(i, { delayMinutes: e.target.value })} />}
          </Field>
          <button type="button" aria-label={`Remove rule ${i + 1}`} onClick={() => setDrafts((all) => all.filter((_x, at) => at !== i))}>
            Remove
          </button>
        </fieldset>
      ))}
      {!methods.length && <p className="muted">Add a contact method first.</p>}
      <div className="buttons">
        <button
          type="button"
          disabled={!methods.length}
          onClick={() => setDrafts((all) => [...all, { key: nextKey++, contactMethodId: methods[0]!.id, delayMinutes: all.length ? '5' : '0', phoneMode: 'sms' }])}
        >
          Add a rule
        </button>
        <button type="submit" className="primary" disabled={saved.fetching}>
          Save rules
        </button>
        {done && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
