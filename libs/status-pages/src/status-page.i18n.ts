import type { ReportLanguage } from '#lib/tenancy';

export type ComponentStatus = 'operational' | 'degraded' | 'outage' | 'maintenance' | 'unknown';

export interface StatusMessages {
  status: Record<ComponentStatus, string>;
  overall: Record<ComponentStatus, string>;
  postState: Record<'investigating' | 'identified' | 'monitoring' | 'resolved', string>;
  uptime: string;
  daysAgo: (n: number) => string;
  today: string;
  noData: string;
  /** The response-time badge's label after the component's name: what the figure is and over which window. */
  medianResponse: string;
  down: string;
  degraded: string;
  maintenance: string;
  outage: string;
  incidents: string;
  noIncidents: string;
  /** No post while something is down: the live status speaks, a post may follow (not "no incidents" under a red banner). */
  noPostsYet: string;
  method: (version: number) => string;
  methodText: string;
  groupRule: string;
  zone: (zone: string) => string;
  updated: string;
  passwordTitle: string;
  password: string;
  open: string;
  wrongPassword: string;
  legend: string;
  feeds: string;
  /** The heading over a customer's monthly SLA reports (on its private page). */
  reports: string;
  draftTitle: (components: string) => string;
  draftBody: (components: string, since: string) => string;
  draftResolved: string;
  scheduled: string;
  maintenanceState: Record<'upcoming' | 'in-progress' | 'completed', string>;
}

const en: StatusMessages = {
  status: { operational: 'Operational', degraded: 'Degraded', outage: 'Outage', maintenance: 'Maintenance', unknown: 'Not observed' },
  overall: { operational: 'All systems operational', degraded: 'Some systems degraded', outage: 'Some systems are down', maintenance: 'Maintenance in progress', unknown: 'Status not observed right now' },
  postState: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' },
  uptime: 'uptime',
  daysAgo: (n) => `${n} days ago`,
  today: 'Today',
  noData: 'no data',
  medianResponse: 'median 24h',
  down: 'down',
  degraded: 'degraded',
  maintenance: 'maintenance',
  outage: 'Outage',
  incidents: 'Incidents',
  noIncidents: 'No incidents reported.',
  noPostsYet: 'No update has been posted yet. The status above is measured live.',
  method: (v) => `Accounting method v${v}`,
  methodText: 'downtime = confirmed outages; maintenance excluded; degraded counted as up and shown apart; time not observed is not counted',
  groupRule: 'A group shows the worst status of its components; its daily bar the lowest uptime among them.',
  zone: (z) => `Days in the ${z} time zone.`,
  updated: 'Updated',
  passwordTitle: 'This status page is private',
  password: 'Password',
  open: 'Open',
  wrongPassword: 'Wrong password.',
  legend: 'Legend',
  feeds: 'Feeds',
  reports: 'Monthly availability reports',
  draftTitle: (c) => `${c}: service disruption`,
  draftBody: (c, since) => `We are investigating a problem affecting ${c} since ${since}.`,
  draftResolved: 'The service is working normally again.',
  scheduled: 'Scheduled maintenance',
  maintenanceState: { upcoming: 'Upcoming', 'in-progress': 'In progress', completed: 'Completed' },
};

const es: StatusMessages = {
  status: { operational: 'Operativo', degraded: 'Degradado', outage: 'Caída', maintenance: 'Mantenimiento', unknown: 'Sin observar' },
  overall: { operational: 'Todos los sistemas operativos', degraded: 'Algunos sistemas degradados', outage: 'Algunos sistemas caídos', maintenance: 'Mantenimiento en curso', unknown: 'Estado no observado ahora' },
  postState: { investigating: 'Investigando', identified: 'Identificado', monitoring: 'En observación', resolved: 'Resuelto' },
  uptime: 'disponibilidad',
  daysAgo: (n) => `hace ${n} días`,
  today: 'Hoy',
  noData: 'sin datos',
  medianResponse: 'mediana 24 h',
  down: 'caído',
  degraded: 'degradado',
  maintenance: 'mantenimiento',
  outage: 'Caída',
  incidents: 'Incidencias',
  noIncidents: 'No hay incidencias.',
  noPostsYet: 'Aún no se ha publicado ninguna actualización. El estado de arriba se mide en directo.',
  method: (v) => `Método de cómputo v${v}`,
  methodText: 'tiempo caído = caídas confirmadas; mantenimiento excluido; degradado contado como disponible y mostrado aparte; el tiempo no observado no se cuenta',
  groupRule: 'Un grupo muestra el peor estado de sus componentes; su barra diaria, la menor disponibilidad entre ellos.',
  zone: (z) => `Días en la zona horaria ${z}.`,
  updated: 'Actualizado',
  passwordTitle: 'Esta página de estado es privada',
  password: 'Contraseña',
  open: 'Abrir',
  wrongPassword: 'Contraseña incorrecta.',
  legend: 'Leyenda',
  feeds: 'Canales',
  reports: 'Informes mensuales de disponibilidad',
  draftTitle: (c) => `${c}: interrupción del servicio`,
  draftBody: (c, since) => `Estamos investigando un problema que afecta a ${c} desde ${since}.`,
  draftResolved: 'El servicio vuelve a funcionar con normalidad.',
  scheduled: 'Mantenimiento programado',
  maintenanceState: { upcoming: 'Próximo', 'in-progress': 'En curso', completed: 'Completado' },
};

const pt: StatusMessages = {
  status: { operational: 'Operacional', degraded: 'Degradado', outage: 'Indisponível', maintenance: 'Manutenção', unknown: 'Não observado' },
  overall: { operational: 'Todos os sistemas operacionais', degraded: 'Alguns sistemas degradados', outage: 'Alguns sistemas indisponíveis', maintenance: 'Manutenção em andamento', unknown: 'Estado não observado agora' },
  postState: { investigating: 'Investigando', identified: 'Identificado', monitoring: 'Monitorando', resolved: 'Resolvido' },
  uptime: 'disponibilidade',
  daysAgo: (n) => `há ${n} dias`,
  today: 'Hoje',
  noData: 'sem dados',
  medianResponse: 'mediana 24 h',
  down: 'indisponível',
  degraded: 'degradado',
  maintenance: 'manutenção',
  outage: 'Indisponibilidade',
  incidents: 'Incidentes',
  noIncidents: 'Nenhum incidente relatado.',
  noPostsYet: 'Ainda não foi publicada nenhuma atualização. O estado acima é medido em tempo real.',
  method: (v) => `Método de contabilização v${v}`,
  methodText: 'indisponibilidade = quedas confirmadas; manutenção excluída; degradado contado como disponível e mostrado à parte; tempo não observado não é contado',
  groupRule: 'Um grupo mostra o pior estado dos seus componentes; a sua barra diária, a menor disponibilidade entre eles.',
  zone: (z) => `Dias no fuso horário ${z}.`,
  updated: 'Atualizado',
  passwordTitle: 'Esta página de estado é privada',
  password: 'Senha',
  open: 'Abrir',
  wrongPassword: 'Senha incorreta.',
  legend: 'Legenda',
  feeds: 'Feeds',
  reports: 'Relatórios mensais de disponibilidade',
  draftTitle: (c) => `${c}: interrupção do serviço`,
  draftBody: (c, since) => `Estamos a investigar um problema que afeta ${c} desde ${since}.`,
  draftResolved: 'O serviço voltou a funcionar normalmente.',
  scheduled: 'Manutenção programada',
  maintenanceState: { upcoming: 'Agendada', 'in-progress': 'Em andamento', completed: 'Concluída' },
};

const de: StatusMessages = {
  status: { operational: 'In Betrieb', degraded: 'Beeinträchtigt', outage: 'Ausfall', maintenance: 'Wartung', unknown: 'Nicht beobachtet' },
  overall: { operational: 'Alle Systeme in Betrieb', degraded: 'Einige Systeme beeinträchtigt', outage: 'Einige Systeme ausgefallen', maintenance: 'Wartung läuft', unknown: 'Status derzeit nicht beobachtet' },
  postState: { investigating: 'Untersuchung', identified: 'Ursache erkannt', monitoring: 'Beobachtung', resolved: 'Behoben' },
  uptime: 'Verfügbarkeit',
  daysAgo: (n) => `vor ${n} Tagen`,
  today: 'Heute',
  noData: 'keine Daten',
  medianResponse: 'Median 24 h',
  down: 'ausgefallen',
  degraded: 'beeinträchtigt',
  maintenance: 'Wartung',
  outage: 'Ausfall',
  incidents: 'Vorfälle',
  noIncidents: 'Keine Vorfälle gemeldet.',
  noPostsYet: 'Noch keine Meldung veröffentlicht. Der Status oben wird laufend gemessen.',
  method: (v) => `Berechnungsmethode v${v}`,
  methodText: 'Ausfallzeit = bestätigte Ausfälle; Wartung ausgenommen; Beeinträchtigung zählt als verfügbar und wird getrennt gezeigt; nicht beobachtete Zeit zählt nicht',
  groupRule: 'Eine Gruppe zeigt den schlechtesten Status ihrer Komponenten, ihr Tagesbalken die niedrigste Verfügbarkeit unter ihnen.',
  zone: (z) => `Tage in der Zeitzone ${z}.`,
  updated: 'Aktualisiert',
  passwordTitle: 'Diese Statusseite ist privat',
  password: 'Passwort',
  open: 'Öffnen',
  wrongPassword: 'Falsches Passwort.',
  legend: 'Legende',
  feeds: 'Feeds',
  reports: 'Monatliche Verfügbarkeitsberichte',
  draftTitle: (c) => `${c}: Störung`,
  draftBody: (c, since) => `Wir untersuchen ein Problem mit ${c} seit ${since}.`,
  draftResolved: 'Der Dienst funktioniert wieder normal.',
  scheduled: 'Geplante Wartung',
  maintenanceState: { upcoming: 'Geplant', 'in-progress': 'Läuft', completed: 'Abgeschlossen' },
};

const fr: StatusMessages = {
  status: { operational: 'Opérationnel', degraded: 'Dégradé', outage: 'Panne', maintenance: 'Maintenance', unknown: 'Non observé' },
  overall: { operational: 'Tous les systèmes sont opérationnels', degraded: 'Certains systèmes sont dégradés', outage: 'Certains systèmes sont en panne', maintenance: 'Maintenance en cours', unknown: 'État non observé en ce moment' },
  postState: { investigating: 'Enquête en cours', identified: 'Cause identifiée', monitoring: 'Sous surveillance', resolved: 'Résolu' },
  uptime: 'disponibilité',
  daysAgo: (n) => `il y a ${n} jours`,
  today: "Aujourd'hui",
  noData: 'pas de données',
  medianResponse: 'médiane 24 h',
  down: 'en panne',
  degraded: 'dégradé',
  maintenance: 'maintenance',
  outage: 'Panne',
  incidents: 'Incidents',
  noIncidents: 'Aucun incident signalé.',
  noPostsYet: 'Aucune mise à jour publiée pour l’instant. L’état ci-dessus est mesuré en direct.',
  method: (v) => `Méthode de calcul v${v}`,
  methodText: "indisponibilité = pannes confirmées ; maintenance exclue ; dégradé compté comme disponible et montré à part ; le temps non observé n'est pas compté",
  groupRule: "Un groupe affiche le pire état de ses composants ; sa barre du jour, la plus faible disponibilité d'entre eux.",
  zone: (z) => `Jours dans le fuseau horaire ${z}.`,
  updated: 'Mis à jour',
  passwordTitle: 'Cette page de statut est privée',
  password: 'Mot de passe',
  open: 'Ouvrir',
  wrongPassword: 'Mot de passe incorrect.',
  legend: 'Légende',
  feeds: 'Flux',
  reports: 'Rapports mensuels de disponibilité',
  draftTitle: (c) => `${c} : perturbation du service`,
  draftBody: (c, since) => `Nous enquêtons sur un problème affectant ${c} depuis ${since}.`,
  draftResolved: 'Le service fonctionne de nouveau normalement.',
  scheduled: 'Maintenance planifiée',
  maintenanceState: { upcoming: 'À venir', 'in-progress': 'En cours', completed: 'Terminée' },
};

export const STATUS_MESSAGES: Record<ReportLanguage, StatusMessages> = { en, es, pt, de, fr };

/** Dates, times and numbers in the page's locale and zone (Intl). */
export class StatusFormat {
  private readonly day: Intl.DateTimeFormat;
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly time: Intl.DateTimeFormat;
  private readonly percent: Intl.NumberFormat;

  constructor(readonly language: ReportLanguage, readonly timeZone: string) {
    this.day = new Intl.DateTimeFormat(language, { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
    this.dateTime = new Intl.DateTimeFormat(language, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
    this.time = new Intl.DateTimeFormat(language, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.percent = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  dayLabel(ms: number): string {
    return this.day.format(ms);
  }

  at(ms: number): string {
    return this.dateTime.format(ms);
  }

  clock(ms: number): string {
    return this.time.format(ms);
  }

  /** Truncated, never rounded up: 99.999 % is not shown as 100 %. */
  percentOf(fraction: number): string {
    return `${this.percent.format(Math.floor(fraction * 10_000) / 100)} %`;
  }
}
