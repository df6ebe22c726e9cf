import { escapeHtml as esc } from '#lib/common';
import { formatDuration, formatPercent as pct } from './nines.js';
import type { AvailabilityReport } from './report.types.js';

export interface CustomerPageData {
  tenantName: string;
  customerName: string;
  month: string;
  report: AvailabilityReport;
  /** Service names by id: what a customer may see of the incidents (no host names, addresses or reasons). */
  serviceNames: Map<string, string>;
}


function dayColor(a: number | null): string {
  if (a === null) return '#d0d5dd';
  if (a >= 0.9999) return '#12b76a';
  if (a >= 0.999) return '#84cc16';
  if (a >= 0.99) return '#f79009';
  return '#d92d20';
}

/** The customer's SLA page: server-rendered, printable, only customer-facing data. */
export function renderCustomerPage(data: CustomerPageData): string {
  const { report } = data;
  const t = report.totals;
  const sla = report.sla;
  const days = report.series
    .map((d) => {
      const label = `${d.from.toISOString().slice(0, 10)}: ${pct(d.figures.availability)}, down ${formatDuration(d.figures.downtimeMs)}`;
      return `<span class="day" style="background:${dayColor(d.figures.availability)}" title="${esc(label)}" aria-label="${esc(label)}"></span>`;
    })
    .join('');
  const incidents = report.incidents.length
    ? report.incidents
        .map((i) => {
          const end = i.resolvedAt ? i.resolvedAt.toISOString().replace('T', ' ').slice(0, 16) : 'ongoing';
          const duration = i.resolvedAt ? formatDuration(i.resolvedAt.getTime() - i.openedAt.getTime()) : '–';
          const service = (i.serviceId && data.serviceNames.get(i.serviceId)) || 'service';
          return `<tr><td>${esc(service)}</td><td>${i.openedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</td><td>${end}</td><td>${duration}</td><td>${i.planned ? 'planned' : ''}</td></tr>`;
        })
        .join('')
    : '<tr><td colspan="5">No incidents this month.</td></tr>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.customerName)} — service availability ${esc(data.month)}</title>
<style>
 body{font:15px/1.5 system-ui,sans-serif;color:#101828;max-width:900px;margin:2rem auto;padding:0 1rem}
 h1{font-size:1.4rem;margin:0} .muted{color:#475467} .figures{display:flex;gap:2rem;flex-wrap:wrap;margin:1.5rem 0}
 .figure b{display:block;font-size:1.6rem} .bar{display:flex;gap:2px;margin:1rem 0} .day{flex:1;height:32px;border-radius:2px}
 table{width:100%;border-collapse:collapse} td,th{text-align:left;padding:.35rem;border-bottom:1px solid #eaecf0}
 .ok{color:#067647} .breach{color:#b42318} @media print{body{margin:0}.day{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
</style></head><body>
<p class="muted">${esc(data.tenantName)}</p>
<h1>${esc(data.customerName)}: service availability, ${esc(data.month)}</h1>
<p class="muted">Times in UTC. Planned maintenance is not counted. Time zone for days: ${esc(report.timeZone)}.</p>
<div class="figures">
 <div class="figure"><b>${pct(t.availability)}</b>availability</div>
 <div class="figure"><b>${formatDuration(t.downtimeMs)}</b>downtime</div>
 <div class="figure"><b>${t.failures}</b>incidents</div>
 ${sla ? `<div class="figure"><b class="${sla.breached ? 'breach' : 'ok'}">${sla.breached ? 'missed' : 'met'}</b>target ${sla.targetPercent} % (allowed ${formatDuration(sla.allowedDowntimeMs)})</div>` : ''}
</div>
<h2>Day by day</h2><div class="bar">${days}</div>
<h2>Incidents</h2>
<table><thead><tr><th>Service</th><th>Start</th><th>End</th><th>Duration</th><th></th></tr></thead><tbody>${incidents}</tbody></table>
</body></html>`;
}

/** The same numbers as CSV: one row per day, then a total row. */
export function renderCustomerCsv(report: AvailabilityReport): string {
  const rows = [['day', 'availability', 'downtime_ms', 'planned_ms'].join(',')];
  for (const d of report.series) rows.push([d.from.toISOString().slice(0, 10), d.figures.availability ?? '', d.figures.downtimeMs, d.figures.plannedMs].join(','));
  rows.push(['total', report.totals.availability ?? '', report.totals.downtimeMs, report.totals.plannedMs].join(','));
  return rows.join('\n') + '\n';
}
