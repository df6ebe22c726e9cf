import { type FormEvent, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { AvailabilityChart, type Bucket } from '../components/availability-chart.js';
import { DeleteOrPurge } from '../components/delete-or-purge.js';
import { Field, FormErrorList, Loading, Page, QueryError } from '../components/form.js';
import { percent, reportDuration, when } from '../lib/format.js';
import { useCan } from '../session-context.js';
import { servingNow } from './customers.page.js';

const CUSTOMER = `query CustomerPage($id: ID!) {
  customer(id: $id) { id name email externalRef monthlyReports monthlyReportsSince language createdAt
    slaTarget { targetPercent policy createdAt }
    serviceLinks { id startsAt endsAt weight service { id name customerFacingName } } }
  me { tenant { timeZone monthlyReports defaultLanguage } }
}`;

/** The accounting policy as stored (JSON): the API's defaults fill in what an older target does not say. */
interface Policy {
  degradedCountsAsDown: boolean;
  suspectCountsAsDown: boolean;
  unobserved: 'exclude' | 'up' | 'down';
  customerCombination: 'any-down' | 'weighted';
}

const DEFAULT_POLICY: Policy = { degradedCountsAsDown: false, suspectCountsAsDown: false, unobserved: 'exclude', customerCombination: 'any-down' };

interface CustomerData {
  customer: {
    id: string;
    name: string;
    email: string | null;
    externalRef: string | null;
    monthlyReports: boolean;
    monthlyReportsSince: string | null;
    language: string | null;
    createdAt: string;
    slaTarget: { targetPercent: number; policy: Partial<Policy>; createdAt: string } | null;
    serviceLinks: { id: string; startsAt: string; endsAt: string | null; weight: number; service: { id: string; name: string; customerFacingName: string | null } }[];
  };
  me: { tenant: { timeZone: string; monthlyReports: boolean; defaultLanguage: string } };
}

/** Each policy choice as the operator would say it; the keys are the values setSlaTarget takes. */
const CHOICES = {
  degradedCountsAsDown: { label: 'Degraded time (slow, lagging)', options: [['false', 'is reported apart, not as downtime'], ['true', 'counts as downtime']] },
  suspectCountsAsDown: { label: 'Failures never confirmed by other vantages', options: [['false', 'are not downtime'], ['true', 'count as downtime']] },
  unobserved: {
    label: 'Time Vigia did not see (no watchdog, no fresh verdict)',
    options: [['exclude', 'is left out of the time counted'], ['up', 'counts as up'], ['down', 'counts as down']],
  },
  customerCombination: {
    label: 'With several services',
    options: [['any-down', 'it is down while any of them is down'], ['weighted', 'its availability is theirs averaged by link weight']],
  },
} as const;

type PolicyKey = keyof typeof CHOICES;
const POLICY_KEYS = Object.keys(CHOICES) as PolicyKey[];

/** GraphQL enum names differ from the stored values where a value is no GraphQL name ("any-down"). */
const COMBINATION_ENUM = { 'any-down': 'anyDown', weighted: 'weighted' } as const;

const LANGUAGES: Record<string, string> = { en: 'English', es: 'Spanish', pt: 'Portuguese', de: 'German', fr: 'French' };

function policyOf(stored: Partial<Policy> | undefined): Policy {
  return { ...DEFAULT_POLICY, ...stored };
}

function words(key: PolicyKey, policy: Policy): string {
  const value = String(policy[key]);
  return (CHOICES[key].options as readonly (readonly [string, string])[]).find(([v]) => v === value)?.[1] ?? value;
}

/** This calendar month (YYYY-MM) in the company's zone, the one the reports count months in. */
function monthIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
}

/** One customer: the services serving it now, its SLA target and policy, its monthly e-mail, this month's availability; edit, delete. */
export function CustomerPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery<CustomerData>({ query: CUSTOMER, variables: { id } });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const canEdit = useCan('operator');
  // setSlaTarget asks for an admin: the target is a promise made to the customer.
  const canSetTarget = useCan('admin');
  if (fetching && !data) return <Loading what="the customer" />;
  if (!data) return <QueryError error={error} />;
  const c = data.customer;
  const tenant = data.me.tenant;
  const serving = servingNow(c.serviceLinks);
  const policy = policyOf(c.slaTarget?.policy);
  return (
    <Page title={c.name} actions={canEdit ? <DeleteCustomer customer={c} services={serving.length} /> : undefined}>
      <dl className="facts">
        <dt>Served now by</dt>
        <dd data-testid="customer-services">
          {serving.length === 0
            ? 'no service: nothing counts against its SLA (link it on a service’s page)'
            : serving.map((l, i) => (
                <span key={l.id}>
                  {i > 0 && ', '}
                  <Link to={`/services/${l.service.id}`}>{l.service.name}</Link>
                  {l.service.customerFacingName && <span className="muted"> (it sees “{l.service.customerFacingName}”)</span>}
                  {l.weight !== 1 && <span className="muted"> weight {l.weight}</span>}
                </span>
              ))}
        </dd>
        <dt>SLA target</dt>
        <dd data-testid="customer-sla">{c.slaTarget ? `${c.slaTarget.targetPercent} % (since ${when(c.slaTarget.createdAt)})` : 'none set'}</dd>
        <dt>Accounting</dt>
        <dd>
          <ul className="plain" data-testid="customer-policy">
            {POLICY_KEYS.map((k) => (
              <li key={k}>
                {CHOICES[k].label} {words(k, policy)}
              </li>
            ))}
          </ul>
          {!c.slaTarget && <span className="muted">The defaults, until a target is set.</span>}
        </dd>
        <dt>Monthly report e-mail</dt>
        <dd data-testid="customer-mail">
          {c.monthlyReports ? `on, to ${c.email ?? 'no address yet (none is sent without one)'}` : 'off'}
          {' · '}
          {c.language ? LANGUAGES[c.language] ?? c.language : `the company’s language (${LANGUAGES[tenant.defaultLanguage] ?? tenant.defaultLanguage})`}
          {c.monthlyReports && !tenant.monthlyReports && ' · the company does not send monthly reports (Settings), so none goes out'}
        </dd>
        {c.externalRef && (
          <>
            <dt>Your reference</dt>
            <dd>{c.externalRef}</dd>
          </>
        )}
      </dl>
      {/* Drawn again when the target changes: the report's figures depend on it and on its policy. */}
      <ThisMonth key={JSON.stringify(c.slaTarget)} customerId={c.id} timeZone={tenant.timeZone} />
      {(canEdit || canSetTarget) && (
        <div className="cards">
          {canEdit && <EditCustomer customer={c} onSaved={reload} />}
          {canSetTarget && <SetSlaTarget customer={c} policy={policy} onSaved={reload} />}
        </div>
      )}
    </Page>
  );
}

interface MonthReport {
  availabilityReport: {
    timeZone: string;
    totals: { percent: number | null; downtimeMs: number; plannedMs: number; failures: number };
    sla: { targetPercent: number; breached: boolean; atRisk: boolean; periodOver: boolean; allowedDowntimeMs: number; periodAllowedDowntimeMs: number; usedMs: number; remainingMs: number } | null;
    series: Bucket[];
  };
}

/** Availability this calendar month so far, as the customer's report counts it (its target, its policy). */
function ThisMonth({ customerId, timeZone }: { customerId: string; timeZone: string }) {
  const period = monthIn(timeZone);
  const variables = useMemo(() => ({ input: { subject: { kind: 'customer', id: customerId }, period, granularity: 'day' } }), [customerId, period]);
  const [{ data, error }] = useQuery<MonthReport>({
    query: `query CustomerMonth($input: AvailabilityReportInput!) { availabilityReport(input: $input) { timeZone
      totals { percent downtimeMs plannedMs failures } sla { targetPercent breached atRisk periodOver allowedDowntimeMs periodAllowedDowntimeMs usedMs remainingMs }
      series { from to figures { percent downtimeMs } } } }`,
    variables,
    requestPolicy: 'cache-and-network',
  });
  const r = data?.availabilityReport;
  return (
    <section aria-labelledby="month-title">
      <h2 id="month-title">Availability in {new Date(`${period}-15T12:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })}</h2>
      <QueryError error={error} />
      {r && r.totals.percent === null && (
        <p data-testid="customer-month">
          No figures yet: no service served it with a monitor observed this month.{r.sla && ` Its target: ${r.sla.targetPercent} %.`}
        </p>
      )}
      {r && r.totals.percent !== null && (
        <>
          <p data-testid="customer-month">
            <strong>{percent(r.totals.percent)}</strong> so far · downtime {reportDuration(r.totals.downtimeMs)} in {r.totals.failures} outage
            {r.totals.failures === 1 ? '' : 's'}
            {r.totals.plannedMs > 0 && ` · planned maintenance ${reportDuration(r.totals.plannedMs)} (not counted)`}
            {r.sla &&
              (r.sla.breached
                ? ` · below its ${r.sla.targetPercent} % target: ${reportDuration(r.sla.usedMs)} down, more than the ${reportDuration(r.sla.periodAllowedDowntimeMs)} the month allows`
                : r.sla.atRisk
                  ? ` · at risk of its ${r.sla.targetPercent} % target: ${reportDuration(r.sla.usedMs)} down, over the ${reportDuration(r.sla.allowedDowntimeMs)} allowed to date; ${reportDuration(r.sla.periodAllowedDowntimeMs - r.sla.usedMs)} left this month`
                  : ` · within its ${r.sla.targetPercent} % target: ${reportDuration(Math.max(0, r.sla.periodAllowedDowntimeMs - r.sla.usedMs))} of downtime left this month`)}
          </p>
          <AvailabilityChart buckets={r.series} target={r.sla?.targetPercent ?? null} timeZone={r.timeZone} />
        </>
      )}
    </section>
  );
}

/** Name, e-mail, reference and the monthly report settings in one update: all saved or, on any error, none. */
function EditCustomer({ customer, onSaved }: { customer: CustomerData['customer']; onSaved: () => void }) {
  const [form, setForm] = useState({
    name: customer.name,
    email: customer.email ?? '',
    externalRef: customer.externalRef ?? '',
    monthlyReports: customer.monthlyReports,
    language: customer.language ?? '',
  });
  const [saved, setSaved] = useState(false);
  const [result, update] = useMutation('mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { id } }');
  const errors = formErrors(result.error, ['name', 'email', 'externalRef', 'monthlyReports', 'language']);
  const set = (key: 'name' | 'email' | 'externalRef' | 'language') => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm({ ...form, [key]: e.target.value });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name: form.name.trim(),
      // Empty clears: no address (no e-mail goes out), no reference, the company's language.
      email: form.email.trim() || null,
      externalRef: form.externalRef.trim() || null,
      monthlyReports: form.monthlyReports,
      language: form.language || null,
    };
    const res = await update({ id: customer.id, input });
    if (!res.error) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-customer">
      <h2 id="edit-customer">Edit the customer</h2>
      <FormErrorList errors={errors} />
      <Field label="Name" error={errors.fields.name} hint="Unique in the company; on its reports">
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <Field label="Your reference" error={errors.fields.externalRef} hint="Optional, e.g. its billing id">
        {(p) => <input {...p} value={form.externalRef} onChange={set('externalRef')} />}
      </Field>
      <Field label="Report e-mail address" error={errors.fields.email} hint="Where its monthly report goes">
        {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} />}
      </Field>
      <Field label="Monthly report e-mail" error={errors.fields.monthlyReports} hint="Sent after each month ends, when the company sends them too (Settings)">
        {(p) => (
          <label className="check">
            <input
              {...p}
              type="checkbox"
              checked={form.monthlyReports}
              onChange={(e) => {
                setSaved(false);
                setForm({ ...form, monthlyReports: e.target.checked });
              }}
            />{' '}
            send it
          </label>
        )}
      </Field>
      <Field label="Report language" error={errors.fields.language}>
        {(p) => (
          <select {...p} value={form.language} onChange={set('language')}>
            <option value="">the company’s</option>
            {Object.entries(LANGUAGES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        Save
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

/** The target and the policy its reports are computed under, set together (the API stores them as one versioned row). */
function SetSlaTarget({ customer, policy, onSaved }: { customer: CustomerData['customer']; policy: Policy; onSaved: () => void }) {
  const [target, setTarget] = useState(customer.slaTarget ? String(customer.slaTarget.targetPercent) : '');
  const [choice, setChoice] = useState<Record<PolicyKey, string>>(() => Object.fromEntries(POLICY_KEYS.map((k) => [k, String(policy[k])])) as Record<PolicyKey, string>);
  const [saved, setSaved] = useState(false);
  const [result, save] = useMutation(
    'mutation SetSlaTarget($id: ID!, $target: Float!, $policy: AccountingPolicyInput) { setSlaTarget(customerId: $id, targetPercent: $target, policy: $policy) { id } }',
  );
  const errors = formErrors(result.error, ['targetPercent', 'policy']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    // Every choice is sent: the API fills what is left out with its defaults, not with the stored policy.
    const input = {
      degradedCountsAsDown: choice.degradedCountsAsDown === 'true',
      suspectCountsAsDown: choice.suspectCountsAsDown === 'true',
      unobserved: choice.unobserved,
      customerCombination: COMBINATION_ENUM[choice.customerCombination as Policy['customerCombination']],
    };
    // The API is the one judge of a target: text that is no number goes as 0, which it refuses at the field in words.
    const value = Number(target.trim().replace(',', '.'));
    const res = await save({ id: customer.id, target: target.trim() === '' || !Number.isFinite(value) ? 0 : value, policy: input });
    if (!res.error) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="sla-target">
      <h2 id="sla-target">SLA target</h2>
      <FormErrorList errors={errors} />
      <Field label="Target (%)" error={errors.fields.targetPercent} hint="Above 0 and at most 100, up to four decimals, e.g. 99.9">
        {(p) => (
          <input
            {...p}
            inputMode="decimal"
            value={target}
            onChange={(e) => {
              setSaved(false);
              setTarget(e.target.value);
            }}
          />
        )}
      </Field>
      {POLICY_KEYS.map((k) => (
        <Field key={k} label={CHOICES[k].label} error={errors.fields.policy}>
          {(p) => (
            <select
              {...p}
              value={choice[k]}
              onChange={(e) => {
                setSaved(false);
                setChoice({ ...choice, [k]: e.target.value });
              }}
            >
              {CHOICES[k].options.map(([v, text]) => (
                <option key={v} value={v}>
                  {text}
                </option>
              ))}
            </select>
          )}
        </Field>
      ))}
      <button type="submit" className="primary" disabled={result.fetching}>
        Set the target
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

/** Delete says what it does before it does it, in the DeleteHost wording. */
function DeleteCustomer({ customer, services }: { customer: CustomerData['customer']; services: number }) {
  return <DeleteOrPurge kind="customer" id={customer.id} name={customer.name} then="/customers" consequences={`Delete ${customer.name}? It is hidden at once, the ${services} service${services === 1 ? '' : 's'} serving it stop${services === 1 ? 's' : ''} serving it now, and it gets no more reports or e-mails. Past reports still count it for the time it existed (its link periods are kept); a purge removes it for good.`} />;
}
