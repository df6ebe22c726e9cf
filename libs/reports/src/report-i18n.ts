/**
 * The fixed strings of what a customer sees (SLA page, CSV, PDF, monthly e-mail) in the five languages a customer
 * may choose, and the formatters that print numbers, months, days and times for that language in one time zone.
 * Numbers, months and dates come from Intl (full ICU ships with Node), so only the sentences are written here.
 */

import { type ReportLanguage } from '#lib/tenancy';
import { durationParts, truncatedPercent } from './nines.js';

export type { ReportLanguage };

export interface ReportMessages {
  /** "Bakery: service availability, March 2026" */
  pageTitle(customer: string, month: string): string;
  subject(customer: string, month: string, percent: string): string;
  availability: string;
  downtime: string;
  /** The label under the incident count: singular or plural by Intl.PluralRules. */
  incidents(plural: Intl.LDMLPluralRule): string;
  target(target: string, allowed: string): string;
  /** A month in progress: what is allowed to date, and over the whole month (the budget a reader expects). */
  targetSoFar(target: string, allowedSoFar: string, allowedMonth: string): string;
  met: string;
  missed: string;
  dayByDay: string;
  /** Under the bars: what a bar's colour says (each day against the target, or 99.9 % without one). */
  dayLegend(target: string): string;
  /** On the page only: bars carry their figures on hover. */
  dayHover: string;
  incidentsHeading: string;
  service: string;
  start: string;
  end: string;
  duration: string;
  planned: string;
  ongoing: string;
  noIncidents: string;
  /** The stated zone: every day and time on the page is in it. */
  timesIn(zone: string): string;
  maintenanceNotCounted: string;
  /** "Observed 99.2 % of the period; 5 h 40 min unobserved (not counted)." */
  unobserved(share: string, duration: string): string;
  dayTitle(day: string, percent: string, downtime: string): string;
  noData: string;
  serviceFallback: string;
  availabilityLine(percent: string): string;
  downtimeLine(downtime: string, count: string, plural: Intl.LDMLPluralRule): string;
  targetLine(target: string, status: string, allowed: string): string;
  linkText: string;
  csv: { day: string; availability: string; downtimeMs: string; plannedMs: string; total: string };
  /** The unit for days in durations ("2 d 3 h"); hours, minutes and seconds are SI symbols in every language. */
  dayUnit: string;
  /** A month not over yet: its figures stand at `asOf`, and an SLA can only be judged so far. */
  inProgress(asOf: string): string;
  /** A customer first served after the period began: from when its figures count, and why the days before are grey. */
  countedFrom(start: string): string;
  /** The SLA status of a month in progress still within its pro-rated allowance. */
  onTrack: string;
  /** The SLA status of a month in progress over its pro-rated allowance, not yet missed. */
  atRisk: string;
  /** Degraded time (slow, partly failing), reported apart and not counted as downtime. */
  degraded: string;
  /** "Computed 3 Dec 2026, 02:10 · accounting method v2." */
  computed(at: string, version: number): string;
}

const en: ReportMessages = {
  pageTitle: (c, m) => `${c}: service availability, ${m}`,
  subject: (c, m, p) => `${c}: service availability ${m} — ${p}`,
  availability: 'availability',
  downtime: 'downtime',
  incidents: (p) => (p === 'one' ? 'incident' : 'incidents'),
  target: (t, a) => `target ${t} (allowed ${a})`,
  targetSoFar: (t, s, m) => `target ${t} (allowed ${s} to date, ${m} over the whole month)`,
  met: 'met',
  missed: 'missed',
  dayByDay: 'Day by day',
  dayLegend: (t) => `One bar per day: the report's colour at or above ${t}, amber below it but above 99 %, red below 99 %, grey without data.`,
  dayHover: 'Hover or tap a bar for its figures.',
  incidentsHeading: 'Incidents',
  service: 'Service',
  start: 'Start',
  end: 'End',
  duration: 'Duration',
  planned: 'planned',
  ongoing: 'ongoing',
  noIncidents: 'No incidents this month.',
  timesIn: (z) => `All days and times in ${z}.`,
  maintenanceNotCounted: 'Planned maintenance is not counted.',
  unobserved: (s, d) => `Observed ${s} of the period; ${d} unobserved (monitoring could not see; not counted).`,
  dayTitle: (d, p, t) => `${d}: ${p}, down ${t}`,
  noData: 'no data',
  serviceFallback: 'service',
  availabilityLine: (p) => `Availability ${p}`,
  downtimeLine: (d, n, p) => `Downtime ${d} in ${n} ${p === 'one' ? 'incident' : 'incidents'}`,
  targetLine: (t, s, a) => `Target ${t}: ${s} (allowed ${a})`,
  linkText: 'Day by day and every incident',
  csv: { day: 'day', availability: 'availability', downtimeMs: 'downtime_ms', plannedMs: 'planned_ms', total: 'total' },
  dayUnit: 'd',
  inProgress: (a) => `Month in progress: figures up to ${a}.`,
  countedFrom: (d) => `Counted from ${d}, when your first service began; the days before are grey and not part of these figures.`,
  onTrack: 'on track so far',
  atRisk: 'at risk',
  degraded: 'degraded (not counted as downtime)',
  computed: (a, v) => `Computed ${a} · accounting method v${v}.`,
};

const es: ReportMessages = {
  pageTitle: (c, m) => `${c}: disponibilidad del servicio, ${m}`,
  subject: (c, m, p) => `${c}: disponibilidad del servicio, ${m} — ${p}`,
  availability: 'disponibilidad',
  downtime: 'tiempo de inactividad',
  incidents: (p) => (p === 'one' ? 'incidencia' : 'incidencias'),
  target: (t, a) => `objetivo ${t} (permitido ${a})`,
  targetSoFar: (t, s, m) => `objetivo ${t} (permitido ${s} hasta hoy, ${m} en todo el mes)`,
  met: 'cumplido',
  missed: 'incumplido',
  dayByDay: 'Día a día',
  dayLegend: (t) => `Una barra por día: el color del informe si alcanza ${t}, ámbar por debajo pero sobre el 99 %, rojo por debajo del 99 %, gris sin datos.`,
  dayHover: 'Pase el cursor o toque una barra para ver sus cifras.',
  incidentsHeading: 'Incidencias',
  service: 'Servicio',
  start: 'Inicio',
  end: 'Fin',
  duration: 'Duración',
  planned: 'planificada',
  ongoing: 'en curso',
  noIncidents: 'Ninguna incidencia este mes.',
  timesIn: (z) => `Todos los días y horas en la zona horaria ${z}.`,
  maintenanceNotCounted: 'El mantenimiento planificado no se contabiliza.',
  unobserved: (s, d) => `Observado el ${s} del periodo; ${d} sin observar (la monitorización no pudo ver; no se contabiliza).`,
  dayTitle: (d, p, t) => `${d}: ${p}, inactivo ${t}`,
  noData: 'sin datos',
  serviceFallback: 'servicio',
  availabilityLine: (p) => `Disponibilidad ${p}`,
  downtimeLine: (d, n, p) => `Tiempo de inactividad ${d} en ${n} ${p === 'one' ? 'incidencia' : 'incidencias'}`,
  targetLine: (t, s, a) => `Objetivo ${t}: ${s} (permitido ${a})`,
  linkText: 'Día a día y cada incidencia',
  csv: { day: 'día', availability: 'disponibilidad', downtimeMs: 'inactividad_ms', plannedMs: 'planificado_ms', total: 'total' },
  dayUnit: 'd',
  inProgress: (a) => `Mes en curso: cifras hasta ${a}.`,
  countedFrom: (d) => `Contabilizado desde ${d}, cuando comenzó su primer servicio; los días anteriores aparecen en gris y no forman parte de estas cifras.`,
  onTrack: 'en camino de cumplirse',
  atRisk: 'en riesgo',
  degraded: 'degradado (no cuenta como inactividad)',
  computed: (a, v) => `Calculado ${a} · método de cómputo v${v}.`,
};

const pt: ReportMessages = {
  pageTitle: (c, m) => `${c}: disponibilidade do serviço, ${m}`,
  subject: (c, m, p) => `${c}: disponibilidade do serviço, ${m} — ${p}`,
  availability: 'disponibilidade',
  downtime: 'indisponibilidade',
  incidents: (p) => (p === 'one' ? 'incidente' : 'incidentes'),
  target: (t, a) => `meta ${t} (permitido ${a})`,
  targetSoFar: (t, s, m) => `meta ${t} (permitido ${s} até hoje, ${m} no mês inteiro)`,
  met: 'cumprida',
  missed: 'não cumprida',
  dayByDay: 'Dia a dia',
  dayLegend: (t) => `Uma barra por dia: a cor do relatório se atinge ${t}, âmbar abaixo disso mas acima de 99 %, vermelho abaixo de 99 %, cinza sem dados.`,
  dayHover: 'Passe o cursor ou toque numa barra para ver os valores.',
  incidentsHeading: 'Incidentes',
  service: 'Serviço',
  start: 'Início',
  end: 'Fim',
  duration: 'Duração',
  planned: 'programado',
  ongoing: 'em curso',
  noIncidents: 'Nenhum incidente neste mês.',
  timesIn: (z) => `Todos os dias e horários no fuso horário ${z}.`,
  maintenanceNotCounted: 'A manutenção programada não é contabilizada.',
  unobserved: (s, d) => `Observado ${s} do período; ${d} sem observação (o monitoramento não pôde ver; não contabilizado).`,
  dayTitle: (d, p, t) => `${d}: ${p}, indisponível ${t}`,
  noData: 'sem dados',
  serviceFallback: 'serviço',
  availabilityLine: (p) => `Disponibilidade ${p}`,
  downtimeLine: (d, n, p) => `Indisponibilidade de ${d} em ${n} ${p === 'one' ? 'incidente' : 'incidentes'}`,
  targetLine: (t, s, a) => `Meta ${t}: ${s} (permitido ${a})`,
  linkText: 'Dia a dia e cada incidente',
  csv: { day: 'dia', availability: 'disponibilidade', downtimeMs: 'indisponibilidade_ms', plannedMs: 'programado_ms', total: 'total' },
  dayUnit: 'd',
  inProgress: (a) => `Mês em curso: valores até ${a}.`,
  countedFrom: (d) => `Contabilizado desde ${d}, quando começou o seu primeiro serviço; os dias anteriores aparecem em cinza e não fazem parte destes valores.`,
  onTrack: 'a caminho de ser cumprida',
  atRisk: 'em risco',
  degraded: 'degradado (não conta como indisponibilidade)',
  computed: (a, v) => `Calculado ${a} · método de contabilização v${v}.`,
};

const de: ReportMessages = {
  pageTitle: (c, m) => `${c}: Verfügbarkeit der Dienste, ${m}`,
  subject: (c, m, p) => `${c}: Verfügbarkeit der Dienste, ${m} — ${p}`,
  availability: 'Verfügbarkeit',
  downtime: 'Ausfallzeit',
  incidents: (p) => (p === 'one' ? 'Störung' : 'Störungen'),
  target: (t, a) => `Ziel ${t} (zulässig ${a})`,
  targetSoFar: (t, s, m) => `Ziel ${t} (zulässig ${s} bis heute, ${m} im ganzen Monat)`,
  met: 'erfüllt',
  missed: 'verfehlt',
  dayByDay: 'Tag für Tag',
  dayLegend: (t) => `Ein Balken pro Tag: in der Farbe des Berichts ab ${t}, bernsteinfarben darunter, aber über 99 %, rot unter 99 %, grau ohne Daten.`,
  dayHover: 'Zeigen oder tippen Sie auf einen Balken für seine Werte.',
  incidentsHeading: 'Störungen',
  service: 'Dienst',
  start: 'Beginn',
  end: 'Ende',
  duration: 'Dauer',
  planned: 'geplant',
  ongoing: 'andauernd',
  noIncidents: 'Keine Störungen in diesem Monat.',
  timesIn: (z) => `Alle Tage und Uhrzeiten in der Zeitzone ${z}.`,
  maintenanceNotCounted: 'Geplante Wartungen werden nicht mitgezählt.',
  unobserved: (s, d) => `Beobachtet: ${s} des Zeitraums; ${d} unbeobachtet (die Überwachung konnte nicht sehen; nicht mitgezählt).`,
  dayTitle: (d, p, t) => `${d}: ${p}, Ausfall ${t}`,
  noData: 'keine Daten',
  serviceFallback: 'Dienst',
  availabilityLine: (p) => `Verfügbarkeit ${p}`,
  downtimeLine: (d, n, p) => `Ausfallzeit ${d} bei ${n} ${p === 'one' ? 'Störung' : 'Störungen'}`,
  targetLine: (t, s, a) => `Ziel ${t}: ${s} (zulässig ${a})`,
  linkText: 'Tag für Tag und jede Störung',
  csv: { day: 'tag', availability: 'verfügbarkeit', downtimeMs: 'ausfallzeit_ms', plannedMs: 'geplant_ms', total: 'gesamt' },
  dayUnit: 'T',
  inProgress: (a) => `Laufender Monat: Zahlen bis ${a}.`,
  countedFrom: (d) => `Gezählt ab ${d}, als Ihr erster Dienst begann; die Tage davor sind grau und nicht Teil dieser Zahlen.`,
  onTrack: 'bisher eingehalten',
  atRisk: 'gefährdet',
  degraded: 'beeinträchtigt (nicht als Ausfallzeit gezählt)',
  computed: (a, v) => `Berechnet ${a} · Berechnungsmethode v${v}.`,
};

const fr: ReportMessages = {
  pageTitle: (c, m) => `${c} : disponibilité du service, ${m}`,
  subject: (c, m, p) => `${c} : disponibilité du service, ${m} — ${p}`,
  availability: 'disponibilité',
  downtime: 'indisponibilité',
  incidents: (p) => (p === 'one' ? 'incident' : 'incidents'),
  target: (t, a) => `objectif ${t} (autorisé ${a})`,
  targetSoFar: (t, s, m) => `objectif ${t} (autorisé ${s} à ce jour, ${m} sur tout le mois)`,
  met: 'atteint',
  missed: 'non atteint',
  dayByDay: 'Jour par jour',
  dayLegend: (t) => `Une barre par jour : la couleur du rapport à partir de ${t}, ambre en dessous mais au-dessus de 99 %, rouge sous 99 %, gris sans données.`,
  dayHover: 'Survolez ou touchez une barre pour ses chiffres.',
  incidentsHeading: 'Incidents',
  service: 'Service',
  start: 'Début',
  end: 'Fin',
  duration: 'Durée',
  planned: 'planifié',
  ongoing: 'en cours',
  noIncidents: 'Aucun incident ce mois-ci.',
  timesIn: (z) => `Tous les jours et heures dans le fuseau horaire ${z}.`,
  maintenanceNotCounted: 'La maintenance planifiée n’est pas comptée.',
  unobserved: (s, d) => `Observé ${s} de la période ; ${d} non observé (la surveillance ne voyait pas ; non compté).`,
  dayTitle: (d, p, t) => `${d} : ${p}, indisponible ${t}`,
  noData: 'pas de données',
  serviceFallback: 'service',
  availabilityLine: (p) => `Disponibilité ${p}`,
  downtimeLine: (d, n, p) => `Indisponibilité ${d} en ${n} ${p === 'one' ? 'incident' : 'incidents'}`,
  targetLine: (t, s, a) => `Objectif ${t} : ${s} (autorisé ${a})`,
  linkText: 'Jour par jour et chaque incident',
  csv: { day: 'jour', availability: 'disponibilité', downtimeMs: 'indisponibilité_ms', plannedMs: 'planifié_ms', total: 'total' },
  dayUnit: 'j',
  inProgress: (a) => `Mois en cours : chiffres jusqu’au ${a}.`,
  countedFrom: (d) => `Compté à partir du ${d}, début de votre premier service ; les jours précédents sont en gris et ne font pas partie de ces chiffres.`,
  onTrack: 'respecté jusqu’ici',
  atRisk: 'menacé',
  degraded: 'dégradé (non compté comme indisponibilité)',
  computed: (a, v) => `Calculé ${a} · méthode de calcul v${v}.`,
};

export const REPORT_MESSAGES: Record<ReportLanguage, ReportMessages> = { en, es, pt, de, fr };

/** Formatting for one language in one time zone: every day and time a customer reads goes through here. */
export class ReportFormat {
  readonly t: ReportMessages;
  private readonly plurals: Intl.PluralRules;
  private readonly decimals3: Intl.NumberFormat;
  private readonly upTo4: Intl.NumberFormat;
  private readonly upTo3: Intl.NumberFormat;
  private readonly integer: Intl.NumberFormat;
  private readonly dateTimeFormat: Intl.DateTimeFormat;
  private readonly dayFormat: Intl.DateTimeFormat;
  private readonly isoDayFormat: Intl.DateTimeFormat;

  constructor(
    readonly language: ReportLanguage,
    readonly timeZone: string,
  ) {
    this.t = REPORT_MESSAGES[language];
    this.plurals = new Intl.PluralRules(language);
    this.decimals3 = new Intl.NumberFormat(language, { minimumFractionDigits: 3, maximumFractionDigits: 3, useGrouping: false });
    this.upTo4 = new Intl.NumberFormat(language, { maximumFractionDigits: 4, useGrouping: false });
    this.upTo3 = new Intl.NumberFormat(language, { maximumFractionDigits: 3, useGrouping: false });
    this.integer = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
    this.dateTimeFormat = new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.dayFormat = new Intl.DateTimeFormat(language, { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
    // 24-hour clock in every language: an SLA dispute should not hinge on AM/PM. en-CA prints ISO dates (2026-11-30); the machine-readable day of the CSV and JSON.
    this.isoDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  plural(n: number): Intl.LDMLPluralRule {
    return this.plurals.select(n);
  }

  count(n: number): string {
    return this.integer.format(n);
  }

  /** 0.999123 → "99.912 %" / "99,912 %": truncated, never rounded up to a better figure than measured. */
  percent(availability: number | null): string {
    return availability === null ? '–' : `${this.decimals3.format(truncatedPercent(availability))} %`;
  }

  /**
   * Observed share of the period, truncated like availability: 0.99997 → "99.997 %" (to a tenth it read "99.9 %", as if
   * 40 times more had gone unseen); 0.99238 → "99.238 %".
   */
  observedShare(share: number): string {
    return this.percent(share);
  }

  /** An SLA target as set: 99.9 → "99.9 %" / "99,9 %". */
  targetPercent(percent: number): string {
    return `${this.upTo4.format(percent)} %`;
  }

  /**
   * 43 min 12 s, 8 h 45 min 36 s, 52 min 33,6 s, 0,605 s: exact to the millisecond like nines.formatDuration and the
   * dashboard, never dropping a unit, with the language's decimal mark.
   */
  duration(ms: number): string {
    const { units, restMs } = durationParts(ms);
    const parts = units.map(([n, unit]) => `${n} ${unit === 'd' ? this.t.dayUnit : unit}`);
    if (restMs || !parts.length) parts.push(`${this.upTo3.format(restMs / 1000)} s`);
    return (ms < 0 ? '−' : '') + parts.join(' ');
  }


  /** "March 2026", "marzo de 2026", "März 2026". */
  month(month: string): string {
    const [year, m] = month.split('-').map(Number) as [number, number];
    // The 15th at noon UTC lies in that month whatever the zone; formatted in UTC it cannot shift.
    return new Intl.DateTimeFormat(this.language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, m - 1, 15, 12));
  }

  dateTime(instant: Date): string {
    return this.dateTimeFormat.format(instant);
  }

  /** A day's short label in the tenant's zone: the day that starts at `start` (a local midnight). */
  day(start: Date): string {
    return this.dayFormat.format(start);
  }

  /** 2026-11-30: the local date that starts at `start`, for machines (CSV, JSON). */
  isoDay(start: Date): string {
    return this.isoDayFormat.format(start);
  }
}
