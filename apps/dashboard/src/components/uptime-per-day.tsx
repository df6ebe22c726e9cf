import { useMemo } from 'react';
import { useQuery } from 'urql';
import { AvailabilityChart, type Bucket } from './availability-chart.js';
import { QueryError } from './form.js';

/**
 * Availability per day over the last 30 days of a monitor, host or service, in the company's calendar, from the
 * reports (the same figures as an SLA report; days before the subject existed have none).
 */
export function UptimePerDay({ subject }: { subject: { kind: 'monitor' | 'host' | 'service'; id: string } }) {
  const variables = useMemo(
    () => ({ input: { subject, from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date().toISOString(), granularity: 'day' } }),
    // The subject is a fresh object each render; its kind and id are what matter.
    [subject.kind, subject.id],
  );
  const [{ data, error }] = useQuery<{ availabilityReport: { timeZone: string; series: Bucket[] } }>({
    query: 'query Uptime($input: AvailabilityReportInput!) { availabilityReport(input: $input) { timeZone series { from to figures { percent downtimeMs } } } }',
    variables,
  });
  return (
    <section aria-labelledby="uptime-title">
      <h2 id="uptime-title">Uptime per day</h2>
      <QueryError error={error} />
      {data && <AvailabilityChart buckets={data.availabilityReport.series} target={null} timeZone={data.availabilityReport.timeZone} />}
    </section>
  );
}
