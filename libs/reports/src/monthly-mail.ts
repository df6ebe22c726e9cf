import { escapeHtml as esc } from '#lib/common';
import type { CustomerReportView } from './customer-report.view.js';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Referenced from the HTML as `cid:<cid>`. */
  cid: string;
}

export interface MonthlyMail {
  subject: string;
  html: string;
  text: string;
  attachments?: MailAttachment[];
}

const LOGO_CID = 'tenant-logo@vigia';

/**
 * The monthly report e-mail: the month's figures in both parts and the signed link to the full page, in the customer's
 * language with the tenant's colour and logo. `logo: 'inline'` attaches the logo and points at it by Content-ID
 * (mail clients block data: images); `'data-url'` embeds it, for the dashboard's preview where there is no message.
 */
export function renderMonthlyMail(view: CustomerReportView, link: string, logo: 'inline' | 'data-url' = 'inline'): MonthlyMail {
  const t = view.format.t;
  const lines = [
    t.availabilityLine(view.availability),
    t.downtimeLine(view.downtime, view.incidentCount, view.format.plural(view.failures)),
    ...(view.sla ? [t.targetLine(view.sla.targetPercent, view.sla.status, view.sla.allowed)] : []),
  ];
  const subject = t.subject(view.customerName, view.monthLabel, view.availability);
  const text = `${view.tenantName}\n\n${view.customerName}, ${view.monthLabel}\n\n${lines.join('\n')}\n\n${view.startNote ? `${view.startNote}\n\n` : ''}${view.unobservedNote ? `${view.unobservedNote}\n\n` : ''}${view.zoneNote}\n\n${t.linkText}: ${link}\n`;
  const src = view.logo && (logo === 'inline' ? `cid:${LOGO_CID}` : view.logo.dataUrl);
  const logoHtml = src ? `<img src="${esc(src)}" alt="${esc(view.tenantName)}" style="max-height:48px;max-width:200px;display:block;margin-bottom:8px">` : '';
  const html = `<!doctype html><html lang="${view.language}"><body style="font-family:system-ui,sans-serif;color:#101828">
${logoHtml}<p style="color:#475467">${esc(view.tenantName)}</p><h2 style="color:${view.color}">${esc(view.customerName)}, ${esc(view.monthLabel)}</h2>
<ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
${view.startNote ? `<p>${esc(view.startNote)}</p>` : ''}${view.unobservedNote ? `<p>${esc(view.unobservedNote)}</p>` : ''}<p style="color:#475467">${esc(view.zoneNote)}</p>
<p><a href="${esc(link)}" style="color:${view.color}">${esc(t.linkText)}</a></p></body></html>`;
  const attachments = view.logo && logo === 'inline'
    ? [{ filename: view.logo.type === 'image/png' ? 'logo.png' : 'logo.jpg', content: view.logo.bytes, contentType: view.logo.type, cid: LOGO_CID }]
    : undefined;
  return { subject, html, text, ...(attachments ? { attachments } : {}) };
}
