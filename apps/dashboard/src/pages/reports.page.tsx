import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { AvailabilityChart, type Bucket } from '../components/availability-chart.js';
import { Field, Loading, Page, QueryError } from '../components/form.js';
import { Kpi } from '../components/kpi.js';
import { MonthlyMailPreview } from '../components/monthly-mail-preview.js';
import { localizeInstants, percent, reportDuration as duration } from '../lib/format.js';
import { currentCompanyZone } from '../lib/clock.js';

const SUBJECTS = `query Subjects { customers(first: 200) { nodes { id name } } hosts(first: 200) { nodes { id name } }
  services(first: 200) { nodes { id name host { name } } } }`;
const REPORT = `query Report($input: AvailabilityReportInput!) { availabilityReport(input: $input) {
  subjectName timeZone from to computedAt policyVersion policy
  totals { percent downtimeMs plannedMs failures repairs mtbfMs mttrMs openOutages observedMs unobservedMs observedShare periodMs
    ongoing { since soFarMs } crossCheck { availability reason } }
  sla { targetPercent breached atRisk periodOver allowedDowntimeMs periodAllowedDowntimeMs usedMs remainingMs }
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
    from: string;
    to: string;
    computedAt: string;
    policyVersion: number;
    policy: { unobserved?: string; combination?: string };
    totals: {
      percent: number | null;
      downtimeMs: number;
      plannedMs: number;
      failures: number;
      repairs: number;
      mtbfMs: number | null;
      mttrMs: number | null;
      openOutages: number;
      observedMs: number;
      unobservedMs: number;
      observedShare: number | null;
      periodMs: number;
      ongoing: { since: string; soFarMs: number } | null;
      crossCheck: { availability: number; reason: string } | null;
    };
    sla: SlaView | null;
    series: Bucket[];
    incidents: { id: string; subject: string; openedAt: string; resolvedAt: string | null; openReason: string }[];
  };
}

/** An instant in the report's (the tenant's) time zone: every surface shows times in that one zone. */
function inZone(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString('en-GB', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Today's date (YYYY-MM-DD) in the company's zone, once known; else in UTC. */
function companyToday(): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: currentCompanyZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

export function ReportsPage() {
  const [{ data: subjects }] = useQuery<{ customers: { nodes: Named[] }; hosts: { nodes: Named[] }; services: { nodes: Named[] } }>({ query: SUBJECTS });
  const [kind, setKind] = useState<Kind>('tenant');
  const [subjectId, setSubjectId] = useState('');
  const [period, setPeriod] = useState<'month' | 'year'>('month');
  // This month and year in the company's zone (the reports' calendar): the UTC month is already the next one for a
  // few hours at a month's end west of UTC, and a customer's page link is made only for months that have begun.
  const [month, setMonth] = useState(() => companyToday().slice(0, 7));
  const [year, setYear] = useState(() => companyToday().slice(0, 4));
  const options: Named[] = kind === 'tenant' ? [] : (subjects?.[kind === 'customer' ? 'customers' : kind === 'host' ? 'hosts' : 'services'].nodes ?? []);
  const id = kind === 'tenant' ? undefined : subjectId || options[0]?.id;
  const valid = period === 'month' ? /^\d{4}-\d{2}$/.test(month) : /^\d{4}$/.test(year);
  // The API turns the month or year into the tenant's calendar (its time zone): one calendar on every surface.
  const [{ data, fetching, error }] = useQuery<ReportData>({
    query: REPORT,
    variables: { input: { subject: { kind, ...(id ? { id } : {}) }, period: period === 'month' ? month : year, granularity: period === 'month' ? 'day' : 'month' } },
    pause: !valid || (kind !== 'tenant' && !id),
  });
  const [link, makeLink] = useMutation<{ customerReportLink: string }>('mutation Link($c: ID!, $m: String!) { customerReportLink(customerId: $c, month: $m) }');
  const report = data?.availabilityReport;

  return (
    <Page title="Reports" actions={<Link to="/reports/paging">Paging quality</Link>}>
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
            <Kpi label="Repaired" value={String(report.totals.repairs)} />
            <Kpi label="MTBF" value={duration(report.totals.mtbfMs)} />
            <Kpi label="MTTR (repaired outages)" value={duration(report.totals.mttrMs)} />
            <Kpi label="Planned maintenance" value={duration(report.totals.plannedMs)} />
            <Kpi label="Observed" value={report.totals.observedShare === null ? '—' : percent(report.totals.observedShare * 100)} testId="kpi-observed" />
          </div>
          {report.totals.unobservedMs > 0 && (
            <p className="banner banner-notice" data-testid="unobserved">
              Observed {percent((report.totals.observedShare ?? 0) * 100)} of the period; {duration(report.totals.unobservedMs)} unobserved (Vigia could not see:
              no watchdog, no database, or no fresh verdict) — {report.policy.unobserved === 'up' ? 'counted as up' : report.policy.unobserved === 'down' ? 'counted as down' : 'left out of the availability'}.
            </p>
          )}
          {report.totals.ongoing && (
            <p className="banner banner-error" data-testid="ongoing">
              Outage not repaired by the end of the period: since {inZone(report.totals.ongoing.since, report.timeZone)}, {duration(report.totals.ongoing.soFarMs)} so far.
            </p>
          )}
          {report.totals.crossCheck && (
            <p className="muted" data-testid="cross-check">
              Cross-check MTBF / (MTBF + MTTR) = {percent(report.totals.crossCheck.availability * 100)}: {report.totals.crossCheck.reason}.
            </p>
          )}
          {report.sla && report.totals.percent === null && (
            <p className="banner" data-testid="sla-status">
              SLA {report.sla.targetPercent} %: no data — nothing of this period was accountable (before its first service, or not observed), so it is
              neither met nor breached.
            </p>
          )}
          {report.sla && report.totals.percent !== null && <SlaBanner sla={report.sla} />}
          <AvailabilityChart buckets={report.series} target={report.sla?.targetPercent ?? null} timeZone={report.timeZone} />
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
          <p className="muted" data-testid="report-method">
            {inZone(report.from, report.timeZone)} to {inZone(report.to, report.timeZone)}, times in {report.timeZone}. Downtime = confirmed outages; maintenance
            excluded; degraded counted as up; durations exact to the millisecond, percentages truncated. Accounting policy v{report.policyVersion}, computed{' '}
            {inZone(report.computedAt, report.timeZone)}.
          </p>
          {kind === 'customer' && id && period === 'month' && <MonthlyMailPreview key={`${id}/${month}`} customerId={id} month={month} />}
          <h2>Outages</h2>
          {report.incidents.length === 0 ? (
            <p className="muted">None in this period.</p>
          ) : (
            <ul className="plain">
              {report.incidents.map((i) => (
                <li key={i.id}>
                  {inZone(i.openedAt, report.timeZone)} — {i.subject}: {localizeInstants(i.openReason, report.timeZone)} ({i.resolvedAt ? duration(new Date(i.resolvedAt).getTime() - new Date(i.openedAt).getTime()) : 'still open'})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}

interface SlaView {
  targetPercent: number;
  breached: boolean;
  atRisk: boolean;
  periodOver: boolean;
  allowedDowntimeMs: number;
  periodAllowedDowntimeMs: number;
  usedMs: number;
  remainingMs: number;
}

/**
 * Met, breached — or, for a period to date, on track or over its pace: three minutes down on the month's first morning
 * is over the pro-rated allowance, not a breach (the month may still meet its target).
 */
function SlaBanner({ sla }: { sla: SlaView }): ReactNode {
  const used = duration(sla.usedMs);
  if (sla.breached) {
    return (
      <p className="banner banner-error" data-testid="sla-status">
        SLA {sla.targetPercent} %: breached — {used} of downtime, more than the {duration(sla.periodAllowedDowntimeMs)} the {sla.periodOver ? 'period allowed' : 'whole period can allow'}.
      </p>
    );
  }
  if (sla.periodOver) {
    return (
      <p className="banner banner-ok" data-testid="sla-status">
        SLA {sla.targetPercent} %: met — {used} of {duration(sla.allowedDowntimeMs)} allowed downtime used, {duration(Math.max(0, sla.remainingMs))} left.
      </p>
    );
  }
  return (
    <p className={sla.atRisk ? 'banner banner-notice' : 'banner banner-ok'} data-testid="sla-status">
      SLA {sla.targetPercent} %: {sla.atRisk ? 'at risk' : 'on track'} so far — {used} of downtime; {duration(sla.allowedDowntimeMs)} allowed to date
      {sla.atRisk ? ' (over the pace)' : ''}, {duration(sla.periodAllowedDowntimeMs)} over the whole period, {duration(Math.max(0, sla.periodAllowedDowntimeMs - sla.usedMs))} of it left.
    </p>
  );
}
