/**
 * The languages customer reports (page, CSV, PDF, monthly e-mail) are written in. Here rather than in reports because
 * the tenant's default and the customer's choice are validated where those entities are saved.
 */
export const REPORT_LANGUAGES = ['en', 'es', 'pt', 'de', 'fr'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export function isReportLanguage(value: unknown): value is ReportLanguage {
  return typeof value === 'string' && (REPORT_LANGUAGES as readonly string[]).includes(value);
}

export const REPORT_LANGUAGE_MESSAGE = `must be one of ${REPORT_LANGUAGES.join(', ')}`;
