import PDFDocument from 'pdfkit';
import { type CustomerReportView, SLA_TONE_COLORS } from './customer-report.view.js';

export interface PdfOptions {
  /** Deflate the content streams (default). Tests turn it off to read the text back without an inflater. */
  compress?: boolean;
}

const MARGIN = 50;
const INK = '#101828';
const MUTED = '#475467';
const RULE = '#eaecf0';

/** The characters of WinAnsi (Windows-1252) beyond Latin-1's printable range. */
const CP1252_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function inWinAnsi(c: string): boolean {
  const code = c.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRAS.has(c);
}

/**
 * PDF's standard fonts speak WinAnsi: it covers the five languages' accents, but not the thin spaces Intl puts in
 * dates (U+202F, U+2009) nor letters of other alphabets, which pdfkit would print as garbage. Thin spaces become
 * spaces, a letter with a mark WinAnsi lacks loses the mark (ź → z), anything else becomes "?".
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const c of text.replace(/[\u2007\u2009\u202f]/g, ' ')) {
    if (inWinAnsi(c)) out += c;
    else {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every(inWinAnsi) ? base : '?';
    }
  }
  return out;
}

/**
 * The customer's monthly report as a PDF with pdfkit (pure JavaScript: no browser on the server), drawn from the same
 * view as the HTML page: branding, the figures, a bar per day and the incidents, in the customer's language.
 */
export function renderCustomerPdf(view: CustomerReportView, options: PdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    lang: view.language,
    displayTitle: true,
    info: { Title: winAnsi(view.title), Author: winAnsi(view.tenantName), Subject: winAnsi(view.zoneNote) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawHeader(doc, view);
  drawFigures(doc, view);
  drawDays(doc, view);
  drawIncidents(doc, view);
  doc.moveDown(1.5);
  doc.font('Helvetica').fontSize(8).fillColor(MUTED).text(winAnsi(view.computedNote), MARGIN, doc.y, { width: contentWidth(doc) });
  doc.end();
  return done;
}

type Doc = PDFKit.PDFDocument;

function contentWidth(doc: Doc): number {
  return doc.page.width - 2 * MARGIN;
}

function drawHeader(doc: Doc, view: CustomerReportView): void {
  let y = MARGIN;
  if (view.logo) {
    try {
      doc.image(view.logo.bytes, MARGIN, y, { fit: [180, 48] });
      y += 56;
    } catch {
      // A logo that passed the magic-byte check but that pdfkit cannot decode: the report goes out without it.
    }
  }
  doc.font('Helvetica').fontSize(10).fillColor(MUTED).text(winAnsi(view.tenantName), MARGIN, y);
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(18).fillColor(view.color).text(winAnsi(view.title), { width: contentWidth(doc) });
  doc.moveDown(0.3);
  if (view.progressNote) {
    doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(winAnsi(view.progressNote), { width: contentWidth(doc) });
    doc.moveDown(0.3);
  }
  if (view.startNote) {
    doc.font('Helvetica').fontSize(10).fillColor(INK).text(winAnsi(view.startNote), { width: contentWidth(doc) });
    doc.moveDown(0.3);
  }
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(winAnsi(`${view.zoneNote} ${view.maintenanceNote}${view.unobservedNote ? ` ${view.unobservedNote}` : ''}`), { width: contentWidth(doc) });
  doc.moveDown(1);
}

function drawFigures(doc: Doc, view: CustomerReportView): void {
  const t = view.format.t;
  const figures: { value: string; label: string; color: string }[] = [
    { value: view.availability, label: t.availability, color: INK },
    { value: view.downtime, label: t.downtime, color: INK },
    { value: view.incidentCount, label: view.incidentLabel, color: INK },
  ];
  if (view.degraded) figures.push({ value: view.degraded, label: t.degraded, color: INK });
  if (view.sla) figures.push({ value: view.sla.status, label: view.sla.target, color: SLA_TONE_COLORS[view.sla.tone] });
  const top = doc.y;
  const width = contentWidth(doc) / figures.length;
  let bottom = top;
  figures.forEach((f, i) => {
    const x = MARGIN + i * width;
    doc.font('Helvetica-Bold').fontSize(16).fillColor(f.color).text(winAnsi(f.value), x, top, { width: width - 8 });
    doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(winAnsi(f.label), x, doc.y + 2, { width: width - 8 });
    bottom = Math.max(bottom, doc.y);
  });
  doc.x = MARGIN;
  doc.y = bottom + 18;
}

function heading(doc: Doc, view: CustomerReportView, text: string): void {
  doc.font('Helvetica-Bold').fontSize(13).fillColor(view.color).text(winAnsi(text), MARGIN, doc.y);
  doc.moveDown(0.4);
}

/** One drawn bar per day, coloured as on the page, with the day of the month under it. */
function drawDays(doc: Doc, view: CustomerReportView): void {
  heading(doc, view, view.format.t.dayByDay);
  const n = Math.max(view.days.length, 1);
  const gap = 2;
  const barWidth = (contentWidth(doc) - gap * (n - 1)) / n;
  const top = doc.y;
  view.days.forEach((d, i) => {
    const x = MARGIN + i * (barWidth + gap);
    doc.rect(x, top, barWidth, 32).fill(d.color);
    doc.font('Helvetica').fontSize(6).fillColor(MUTED).text(d.dayOfMonth, x, top + 35, { width: barWidth, align: 'center', lineBreak: false });
  });
  doc.x = MARGIN;
  doc.y = top + 46;
  doc.font('Helvetica').fontSize(7).fillColor(MUTED).text(winAnsi(view.dayLegend), MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(1);
}

function drawIncidents(doc: Doc, view: CustomerReportView): void {
  const t = view.format.t;
  heading(doc, view, t.incidentsHeading);
  const width = contentWidth(doc);
  const columns = [0.28, 0.24, 0.24, 0.11, 0.13].map((share) => share * width);
  const row = (cells: string[], bold: boolean): void => {
    if (doc.y > doc.page.height - MARGIN - 40) doc.addPage();
    const top = doc.y;
    let x = MARGIN;
    let bottom = top;
    cells.forEach((cell, i) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).fillColor(INK).text(winAnsi(cell), x, top, { width: columns[i]! - 6 });
      bottom = Math.max(bottom, doc.y);
      x += columns[i]!;
    });
    doc.moveTo(MARGIN, bottom + 3).lineTo(MARGIN + width, bottom + 3).lineWidth(bold ? 1.5 : 0.5).strokeColor(bold ? view.color : RULE).stroke();
    doc.x = MARGIN;
    doc.y = bottom + 7;
  };
  row([t.service, t.start, t.end, t.duration, ''], true);
  if (!view.incidents.length) {
    doc.font('Helvetica').fontSize(9).fillColor(INK).text(winAnsi(t.noIncidents), MARGIN, doc.y);
    return;
  }
  for (const i of view.incidents) row([i.service, i.start, i.end, i.duration, i.planned], false);
}
