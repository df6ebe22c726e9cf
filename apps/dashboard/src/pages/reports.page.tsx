import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { AvailabilityChart, type Bucket } from '../components/availability-chart.js';
import { Field, Loading, Page, QueryError } from '../components/form.js';
import { MonthlyMailPreview } from '../components/monthly-mail-preview.js';
import { duration, percent } from '../lib/format.js';

const SUBJECTS = `query Subjects { customers(first: 200) { nodes { id name } } hosts(first: 200) { nodes { id name } }
  services(first: 200) { nodes { id name host { name } } } }`;
const REPORT = `query Report($input: AvailabilityReportInput!) { availabilityReport(input: $input) {
  subjectName timeZone
  totals { percent downtimeMs plannedMs failures mtbfMs mttrMs openOutages observedMs }
  sla { targetPercent breached allowedDowntimeMs usedMs remainingMs }
  series { from to figures { percent downtimeMs } }
  incidents { id subject openedAt resolvedAt openReason } } }`;

type Kind = 'tenant' | 'customer' | 'host' | 'service';
interface Named {
  id: string;
  name: string;
  host?: { name: string };
}
interface ReportData {
  availabilityReport: {
    subjectName: string;
    timeZone: string;
    totals: { percent: number | null; downtimeMs: number; plannedMs: number; failures: number; mtbfMs: number | null; mttrMs: number | null; openOutages: number; observedMs: number };
    sla: { targetPercent: number; breached: boolean; allowedDowntimeMs: number; usedMs: number; remainingMs: number } | null;
    series: Bucket[];
    incidents: { id: string; subject: string; openedAt: string; resolvedAt: string | null; openReason: string }[];
  };
}

function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
}

function yearRange(year: string): { from: string; to: string } {
  const y = Number(year);
  return { from: new Date(Date.UTC(y, 0, 1)).toISOString(), to: new Date(Date.UTC(y + 1, 0, 1)).toISOString() };
}

export function ReportsPage() {
  const [{ data: subjects }] = useQuery<{ customers: { nodes: Named[] }; hosts: { nodes: Named[] }; services: { nodes: Named[] } }>({ query: SUBJECTS });
  const [kind, setKind] = useState<Kind>('tenant');
  const [subjectId, setSubjectId] = useState('');
  const [period, setPeriod] = useState<'month' | 'year'>('month');
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [year, setYear] = useState(() => new Date().toISOString().slice(0, 4));
  const options: Named[] = kind === 'tenant' ? [] : (subjects?.[kind === 'customer' ? 'customers' : kind === 'host' ? 'hosts' : 'services'].nodes ?? []);
  const id = kind === 'tenant' ? undefined : subjectId || options[0]?.id;
  const valid = period === 'month' ? /^\d{4}-\d{2}$/.test(month) : /^\d{4}$/.test(year);
  const range = !valid ? { from: '', to: '' } : period === 'month' ? monthRange(month) : yearRange(year);
  const [{ data, fetching, error }] = useQuery<ReportData>({
    query: REPORT,
    variables: { input: { subject: { kind, ...(id ? { id } : {}) }, ...range, granularity: period === 'month' ? 'day' : 'month' } },
    pause: !valid || (kind !== 'tenant' && !id),
  });
  const [link, makeLink] = useMutation<{ customerReportLink: string }>('mutation Link($c: ID!, $m: String!) { customerReportLink(customerId: $c, month: $m) }');
  const report = data?.availabilityReport;

  return (
    <Page title="Reports">
      <div className="toolbar">
        <Field label="Report on">
          {(p) => (
            <select
              {...p}
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as Kind);
                setSubjectId('');
              }}
            >
              <option value="tenant">the whole company</option>
              <option value="customer">a customer</option>
              <option value="service">a service</option>
              <option value="host">a host</option>
            </select>
          )}
        </Field>
        {kind !== 'tenant' && (
          <Field label={kind[0]!.toUpperCase() + kind.slice(1)}>
            {(p) => (
              <select {...p} value={id ?? ''} onChange={(e) => setSubjectId(e.target.value)}>
                {options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.host ? `${o.host.name} · ${o.name}` : o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Period">
          {(p) => (
            <select {...p} value={period} onChange={(e) => setPeriod(e.target.value as 'month' | 'year')}>
              <option value="month">a month (bar per day)</option>
              <option value="year">a year (bar per month)</option>
            </select>
          )}
        </Field>
        {period === 'month' ? (
          <Field label="Month" error={valid ? undefined : 'a month as YYYY-MM'}>
            {(p) => <input {...p} type="month" value={month} onChange={(e) => setMonth(e.target.value)} />}
          </Field>
        ) : (
          <Field label="Year" error={valid ? undefined : 'a year as YYYY'}>
            {(p) => <input {...p} inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} />}
          </Field>
        )}
      </div>
      <QueryError error={error} />
      {fetching && !report && <Loading what="the report" />}
      {report && (
        <>
          <h2>{report.subjectName}</h2>
          <div className="kpis">
            <Kpi label="Availability" value={percent(report.totals.percent)} testId="kpi-availability" />
            <Kpi label="Downtime" value={duration(report.totals.downtimeMs)} />
            <Kpi label="Outages" value={String(report.totals.failures)} />
            <Kpi label="MTBF" value={duration(report.totals.mtbfMs)} />
            <Kpi label="MTTR" value={duration(report.totals.mttrMs)} />
            <Kpi label="Planned maintenance" value={duration(report.totals.plannedMs)} />
          </div>
          {report.sla && (
            <p className={report.sla.breached ? 'banner banner-error' : 'banner banner-ok'} data-testid="sla-status">
              SLA {report.sla.targetPercent} %: {report.sla.breached ? 'breached' : 'met'} — {duration(report.sla.usedMs)} of {duration(report.sla.allowedDowntimeMs)} allowed downtime
              used, {duration(Math.max(0, report.sla.remainingMs))} left.
            </p>
          )}
          <AvailabilityChart buckets={report.series} target={report.sla?.targetPercent ?? null} />
          {kind === 'customer' && id && period === 'month' && (
            <p>
              <button type="button" onClick={() => makeLink({ c: id, m: month })} disabled={link.fetching}>
                Customer's SLA page
              </button>{' '}
              {link.data && (
                <a href={link.data.customerReportLink} target="_blank" rel="noreferrer" data-testid="customer-page-link">
                  Open the page for {report.subjectName} (signed link, valid 30 days)
                </a>
              )}
              <QueryError error={link.error} />
            </p>
          )}
          {kind === 'customer' && id && period === 'month' && <MonthlyMailPreview key={`${id}/${month}`} customerId={id} month={month} />}
          <h2>Outages</h2>
          {report.incidents.length === 0 ? (
            <p className="muted">None in this period.</p>
          ) : (
            <ul className="plain">
              {report.incidents.map((i) => (
                <li key={i.id}>
                  {new Date(i.openedAt).toLocaleString()} — {i.subject}: {i.openReason} ({i.resolvedAt ? duration(new Date(i.resolvedAt).getTime() - new Date(i.openedAt).getTime()) : 'still open'})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}

function Kpi({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="kpi">
      <span className="kpi-label">{label}</span>
      <strong className="kpi-value" data-testid={testId}>
        {value}
      </strong>
    </div>
  );
}
