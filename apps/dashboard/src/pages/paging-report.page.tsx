import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, Loading, Page, QueryError } from '../components/form.js';
import { Kpi } from '../components/kpi.js';
import { PagingChart, type PagingDay } from '../components/paging-chart.js';
import { DataTable } from '../components/table.js';

const REPORT = `query Paging($input: PagingReportInput!) { pagingReport(input: $input) {
  from to timeZone incidentsAvoided flappingSuppressions csv
  rows { key name pagesSent pagesAtNight incidentsPaged acknowledged ttaP50Seconds ttaP90Seconds noise reachedLastLevel }
  days { day pagesSent pagesAtNight acknowledged noise ttaP50Seconds } } }`;

type By = 'tenant' | 'route' | 'schedule' | 'person';
interface Row {
  key: string | null;
  name: string;
  pagesSent: number;
  pagesAtNight: number;
  incidentsPaged: number;
  acknowledged: number;
  ttaP50Seconds: number | null;
  ttaP90Seconds: number | null;
  noise: number;
  reachedLastLevel: number;
}
interface Report {
  pagingReport: { from: string; to: string; timeZone: string; incidentsAvoided: number; flappingSuppressions: number; csv: string; rows: Row[]; days: PagingDay[] };
}

const BY_WORDS: Record<By, string> = { tenant: 'the whole company', route: 'route (escalation policy)', schedule: 'schedule', person: 'person' };

/** Seconds as an operator reads a time to acknowledge: "45 s", "4 min", "1 h 5 min". */
function tta(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * How good the paging was over the last days: pages sent, at night, acknowledged and how fast, noise, escalations
 * that reached the last level, and what quorum and flapping kept from paging anyone — per company, route, schedule or
 * person, a chart of the days, and the same rows as CSV.
 */
export function PagingReportPage() {
  const [days, setDays] = useState(30);
  const [by, setBy] = useState<By>('tenant');
  const [confirmation, setConfirmation] = useState('60');
  // The period ends now; fixed for the page's life so the query is not asked again at every render.
  const [now] = useState(() => Date.now());
  const wholeSeconds = /^\d+$/.test(confirmation.trim());
  const input = useMemo(
    () => ({ from: new Date(now - days * 86_400_000).toISOString(), to: new Date(now).toISOString(), by, confirmationSeconds: Number(confirmation.trim()) }),
    [now, days, by, confirmation],
  );
  const [{ data, fetching, error }] = useQuery<Report>({ query: REPORT, variables: { input }, pause: !wholeSeconds });
  const errors = formErrors(error, ['confirmationSeconds']);
  const confirmationError = wholeSeconds ? errors.fields.confirmationSeconds : 'must be a whole number of seconds, 0 or more';
  const report = data?.pagingReport;
  const total = report?.days.reduce((n, d) => n + d.pagesSent, 0) ?? 0;
  const download = () => {
    if (!report) return;
    const url = URL.createObjectURL(new Blob([report.csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `paging-${by}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Page title="Paging quality" actions={<Link to="/reports">Availability reports</Link>}>
      <div className="toolbar">
        <Field label="Period">
          {(p) => (
            <select {...p} value={days} onChange={(e) => setDays(Number(e.target.value))}>
              <option value={7}>the last 7 days</option>
              <option value={30}>the last 30 days</option>
              <option value={90}>the last 90 days</option>
              <option value={365}>the last 365 days</option>
            </select>
          )}
        </Field>
        <Field label="Per">
          {(p) => (
            <select {...p} value={by} onChange={(e) => setBy(e.target.value as By)}>
              {(Object.keys(BY_WORDS) as By[]).map((b) => (
                <option key={b} value={b}>
                  {BY_WORDS[b]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Noise: shorter than (seconds)" error={confirmationError}>
          {(p) => <input {...p} inputMode="numeric" value={confirmation} onChange={(e) => setConfirmation(e.target.value)} />}
        </Field>
      </div>
      {errors.general.length > 0 && <QueryError error={{ message: errors.general.join(' ') }} />}
      {fetching && !report && <Loading what="the paging report" />}
      {report && (
        <>
          <div className="kpis">
            <Kpi label="Pages sent" value={String(total)} testId="paging-pages" />
            <Kpi label="At night" value={String(report.days.reduce((n, d) => n + d.pagesAtNight, 0))} />
            <Kpi label="Noise" value={String(report.days.reduce((n, d) => n + d.noise, 0))} />
            <Kpi label="Avoided by quorum or confirmation" value={String(report.incidentsAvoided)} testId="paging-avoided" />
            <Kpi label="Flapping, not paged" value={String(report.flappingSuppressions)} />
          </div>
          <h2>Day by day</h2>
          <PagingChart days={report.days} label={`Pages per day (${report.timeZone}) with the median time to acknowledge: ${total} pages in ${report.days.length} days`} />
          <p className="muted">
            Days in the company’s time zone ({report.timeZone}); night is 22:00–07:00 in the schedule’s zone (the company’s for channels and people paged
            directly); noise: paged incidents over before the time above.
          </p>
          <h2>Per {BY_WORDS[by]}</h2>
          <button type="button" onClick={download} disabled={!report.rows.length}>
            Download CSV
          </button>
          {report.rows.length ? (
            <DataTable head={['', 'Pages', 'At night', 'Incidents', 'Acknowledged', 'To acknowledge (median)', '(90th percentile)', 'Noise', 'Reached the last level']}>
              {report.rows.map((r) => (
                <tr key={r.key ?? 'none'} data-paging-row={r.name}>
                  <th scope="row">{r.name}</th>
                  <td>{r.pagesSent}</td>
                  <td>{r.pagesAtNight}</td>
                  <td>{r.incidentsPaged}</td>
                  <td>{r.acknowledged}</td>
                  <td>{tta(r.ttaP50Seconds)}</td>
                  <td>{tta(r.ttaP90Seconds)}</td>
                  <td>{r.noise}</td>
                  <td>{r.reachedLastLevel}</td>
                </tr>
              ))}
            </DataTable>
          ) : (
            <p className="muted">Nobody was paged in this period.</p>
          )}
        </>
      )}
    </Page>
  );
}
