import { escapeHtml as esc } from '#lib/common';
import { type CustomerReportView, SLA_TONE_COLORS } from './customer-report.view.js';
import type { AvailabilityReport } from './report.types.js';
import type { ReportFormat } from './report-i18n.js';

/**
 * The page's Content-Security-Policy: nothing loads from anywhere, inline styles only, and images only as data: URLs
 * (the tenant's logo is inlined), so a hostile name that slipped past escaping still could not run or fetch anything.
 */
export const CUSTOMER_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function incidentRows(view: CustomerReportView): string {
  const t = view.format.t;
  if (!view.incidents.length) return `<tr><td colspan="5">${esc(t.noIncidents)}</td></tr>`;
  return view.incidents
    .map((i) => `<tr><td>${esc(i.service)}</td><td>${esc(i.start)}</td><td>${esc(i.end)}</td><td>${esc(i.duration)}</td><td>${esc(i.planned)}</td></tr>`)
    .join('');
}

/** The customer's SLA page: server-rendered, printable, only customer-facing data, in the customer's language. */
export function renderCustomerPage(view: CustomerReportView, exportQuery?: string): string {
  const t = view.format.t;
  const days = view.days
    .map((d) => `<span class="day ${d.tone}" style="background:${d.color}" title="${esc(d.title)}" aria-label="${esc(d.title)}"></span>`)
    .join('');
  const logo = view.logo ? `<img class="logo" src="${esc(view.logo.dataUrl)}" alt="${esc(view.tenantName)}">` : '';
  const sla = view.sla
    ? `<div class="figure"><b class="${view.sla.tone}">${esc(view.sla.status)}</b>${esc(view.sla.target)}</div>`
    : '';
  const degraded = view.degraded ? `<div class="figure"><b>${esc(view.degraded)}</b>${esc(t.degraded)}</div>` : '';
  return `<!doctype html>
<html lang="${view.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(view.title)}</title>
<style>
 body{font:15px/1.5 system-ui,sans-serif;color:#101828;max-width:900px;margin:2rem auto;padding:0 1rem}
 h1{font-size:1.4rem;margin:0;color:${view.color}} h2{color:${view.color}} .muted{color:#475467}
 .brand{display:flex;align-items:center;gap:1rem} .logo{max-height:56px;max-width:240px}
 .figures{display:flex;gap:2rem;flex-wrap:wrap;margin:1.5rem 0} .figure b{display:block;font-size:1.6rem}
 .bar{display:flex;gap:2px;margin:1rem 0} .day{flex:1;height:32px;border-radius:2px}
 table{width:100%;border-collapse:collapse} td,th{text-align:left;padding:.35rem;border-bottom:1px solid #eaecf0} th{border-bottom:2px solid ${view.color}}
 .exports a{color:${view.color}} .ok{color:${SLA_TONE_COLORS.ok}} .risk{color:${SLA_TONE_COLORS.risk}} .breach{color:${SLA_TONE_COLORS.breach}} .computed{font-size:.85rem;margin-top:2rem}
 @media print{body{margin:0}.exports{display:none}.day{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
</style></head><body>
<div class="brand">${logo}<p class="muted">${esc(view.tenantName)}</p></div>
<h1>${esc(view.title)}</h1>${view.progressNote ? `
<p class="progress"><b>${esc(view.progressNote)}</b></p>` : ''}${view.startNote ? `
<p class="started">${esc(view.startNote)}</p>` : ''}
<p class="muted zone">${esc(view.zoneNote)} ${esc(view.maintenanceNote)}</p>${view.unobservedNote ? `
<p class="unobserved">${esc(view.unobservedNote)}</p>` : ''}
<div class="figures">
 <div class="figure"><b>${esc(view.availability)}</b>${esc(t.availability)}</div>
 <div class="figure"><b>${esc(view.downtime)}</b>${esc(t.downtime)}</div>
 <div class="figure"><b>${esc(view.incidentCount)}</b>${esc(view.incidentLabel)}</div>
 ${degraded}
 ${sla}
</div>
<h2>${esc(t.dayByDay)}</h2><div class="bar">${days}</div>
<p class="muted legend">${esc(view.dayLegend)} ${esc(t.dayHover)}</p>
<h2>${esc(t.incidentsHeading)}</h2>
<table><thead><tr><th>${esc(t.service)}</th><th>${esc(t.start)}</th><th>${esc(t.end)}</th><th>${esc(t.duration)}</th><th></th></tr></thead><tbody>${incidentRows(view)}</tbody></table>
<p class="muted computed">${esc(view.computedNote)}</p>${exportQuery !== undefined ? `
<p class="exports"><a href="${esc(`?${exportQuery}format=pdf`)}">PDF</a> · <a href="${esc(`?${exportQuery}format=csv`)}">CSV</a></p>` : ''}
</body></html>`;
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The same numbers as CSV: one row per day (the local date in the tenant's zone, named in the first header), then a
 * total row. Headers are in the customer's language; the figures stay machine-readable (dot decimals, milliseconds).
 */
export function renderCustomerCsv(report: AvailabilityReport, f: ReportFormat): string {
  const h = f.t.csv;
  const rows = [[`${h.day} (${report.timeZone})`, h.availability, h.downtimeMs, h.plannedMs].map(csvField).join(',')];
  for (const d of report.series) {
    const day = f.isoDay(new Date((d.from.getTime() + d.to.getTime()) / 2));
    rows.push([day, d.figures.availability ?? '', d.figures.downtimeMs, d.figures.plannedMs].map(csvField).join(','));
  }
  rows.push([h.total, report.totals.availability ?? '', report.totals.downtimeMs, report.totals.plannedMs].map(csvField).join(','));
  return rows.join('\n') + '\n';
}
