import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, QueryError } from '../components/form.js';
import { setCompanyZone } from '../lib/clock.js';
import { timeZoneNames } from '../lib/zoned-time.js';
import { useCan } from '../session-context.js';

interface TenantView {
  name: string;
  slug: string;
  timeZone: string;
  customerNotices: boolean;
  monthlyReports: boolean;
  defaultLanguage: string;
  primaryColor: string | null;
}

const LANGUAGES = [
  ['en', 'English'],
  ['es', 'Spanish'],
  ['pt', 'Portuguese'],
  ['de', 'German'],
  ['fr', 'French'],
] as const;

/**
 * Settings → Company: the tenant's name, its time zone (the calendar of every report, e-mail and the dashboard's
 * "company" clock), whether customers are told of outages and sent monthly reports, their reports' language, and
 * the brand colour of customer pages. The owner changes the first, admins the colour (as the API allows).
 */
export function CompanyPanel() {
  const [{ data, error }, refetch] = useQuery<{ me: { tenant: TenantView } }>({
    query: 'query Company { me { tenant { name slug timeZone customerNotices monthlyReports defaultLanguage primaryColor } } }',
  });
  if (!data) return <QueryError error={error} />;
  return <CompanyForms tenant={data.me.tenant} onSaved={() => refetch({ requestPolicy: 'network-only' })} />;
}

function CompanyForms({ tenant, onSaved }: { tenant: TenantView; onSaved: () => void }) {
  const isOwner = useCan('owner');
  const isAdmin = useCan('admin');
  const [form, setForm] = useState({ name: tenant.name, timeZone: tenant.timeZone, customerNotices: tenant.customerNotices, monthlyReports: tenant.monthlyReports, defaultLanguage: tenant.defaultLanguage });
  const [colour, setColour] = useState(tenant.primaryColor ?? '');
  const [said, setSaid] = useState('');
  const [updated, update] = useMutation('mutation Company($input: UpdateTenantInput!) { updateTenant(input: $input) { id timeZone } }');
  const [branded, brand] = useMutation('mutation Brand($input: UpdateTenantBrandingInput!) { updateTenantBranding(input: $input) { id } }');
  const errors = formErrors(updated.error, ['name', 'timeZone', 'customerNotices', 'monthlyReports', 'defaultLanguage']);
  const brandErrors = formErrors(branded.error, ['primaryColor']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await update({ input: { ...form, name: form.name.trim() } });
    if (!res.error) {
      // The dashboard's "company" clock follows at once.
      setCompanyZone(form.timeZone);
      setSaid('Saved.');
      onSaved();
    }
  };
  const submitColour = async (event: FormEvent) => {
    event.preventDefault();
    const res = await brand({ input: { primaryColor: colour.trim() || null } });
    if (!res.error) onSaved();
  };
  const yesNo = (key: 'customerNotices' | 'monthlyReports') => (p: { id: string }) => (
    <select {...p} disabled={!isOwner} value={form[key] ? 'yes' : 'no'} onChange={(e) => setForm({ ...form, [key]: e.target.value === 'yes' })}>
      <option value="yes">yes</option>
      <option value="no">no</option>
    </select>
  );
  return (
    <div className="cards">
      <form className="card" onSubmit={submit} aria-label="Company">
        <h2>Company</h2>
        <p className="muted">Signs in as “{tenant.slug}”. {isOwner ? '' : 'Only the owner changes these.'}</p>
        <FormErrorList errors={errors} />
        <Field label="Name" error={errors.fields.name}>
          {(p) => <input {...p} disabled={!isOwner} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field label="Time zone" error={errors.fields.timeZone} hint="Days and months of every report and e-mail follow it, and the dashboard's company clock">
          {(p) => (
            <select {...p} disabled={!isOwner} value={form.timeZone} onChange={(e) => setForm({ ...form, timeZone: e.target.value })}>
              {timeZoneNames(tenant.timeZone).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Tell customers of their outages by e-mail" error={errors.fields.customerNotices}>
          {yesNo('customerNotices')}
        </Field>
        <Field label="Send customers their monthly report" error={errors.fields.monthlyReports} hint="To the customers who opted in; never for a month that ended before this is switched on">
          {yesNo('monthlyReports')}
        </Field>
        <Field label="Language of customer reports" error={errors.fields.defaultLanguage} hint="For customers without their own">
          {(p) => (
            <select {...p} disabled={!isOwner} value={form.defaultLanguage} onChange={(e) => setForm({ ...form, defaultLanguage: e.target.value })}>
              {LANGUAGES.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {isOwner && (
          <button type="submit" className="primary" disabled={updated.fetching}>
            Save
          </button>
        )}
        {said && (
          <span role="status" className="muted">
            {' '}
            {said}
          </span>
        )}
      </form>
      {isAdmin && (
        <form className="card" onSubmit={submitColour} aria-label="Brand colour">
          <h2>Brand colour</h2>
          <p className="muted">Of customer pages, PDFs and e-mails. Empty: Vigia's own.</p>
          <FormErrorList errors={brandErrors} />
          <Field label="Colour" error={brandErrors.fields.primaryColor} hint="#rrggbb, e.g. #1570ef">
            {(p) => <input {...p} value={colour} onChange={(e) => setColour(e.target.value)} />}
          </Field>
          <button type="submit" disabled={branded.fetching}>
            Save colour
          </button>
        </form>
      )}
    </div>
  );
}
