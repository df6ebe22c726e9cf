import { escapeHtml as esc } from '#lib/common';
import { formatDuration, formatPercent as pct } from './nines.js';
import type { AvailabilityReport } from './report.types.js';


export interface MonthlyMail {
  subject: string;
  html: string;
  text: string;
}

/** The monthly report e-mail: the month's figures in both parts and the signed link to the full page. */
export function renderMonthlyMail(input: { tenantName: string; customerName: string; month: string; report: AvailabilityReport; link: string }): MonthlyMail {
  const t = input.report.totals;
  const sla = input.report.sla;
  const lines = [
    `Availability ${pct(t.availability)}`,
    `Downtime ${formatDuration(t.downtimeMs)} in ${t.failures} incident${t.failures === 1 ? '' : 's'}`,
    ...(sla ? [`Target ${sla.targetPercent} %: ${sla.breached ? 'missed' : 'met'} (allowed ${formatDuration(sla.allowedDowntimeMs)})`] : []),
  ];
  const subject = `${input.customerName}: service availability ${input.month} — ${pct(t.availability)}`;
  const text = `${input.tenantName}\n\n${input.customerName}, ${input.month}\n\n${lines.join('\n')}\n\nDay by day and every incident: ${input.link}\n`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#101828">
<p style="color:#475467">${esc(input.tenantName)}</p><h2>${esc(input.customerName)}, ${esc(input.month)}</h2>
<ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<p><a href="${esc(input.link)}">Day by day and every incident</a></p></body></html>`;
  return { subject, html, text };
}
