import { describe, expect, it } from 'vitest';
import { REPORT_LANGUAGES } from '#lib/tenancy';
import { REPORT_MESSAGES, ReportFormat } from './report-i18n.js';

describe('report languages', () => {
  it('prints months, percentages and durations the way each language writes them', () => {
    const cases = {
      en: ['March 2026', '99.912 %', '52 min 33.6 s', '1 d 2 h'],
      es: ['marzo de 2026', '99,912 %', '52 min 33,6 s', '1 d 2 h'],
      pt: ['março de 2026', '99,912 %', '52 min 33,6 s', '1 d 2 h'],
      de: ['März 2026', '99,912 %', '52 min 33,6 s', '1 T 2 h'],
      fr: ['mars 2026', '99,912 %', '52 min 33,6 s', '1 j 2 h'],
    };
    for (const [language, [month, percent, short, long]] of Object.entries(cases)) {
      const f = new ReportFormat(language as keyof typeof cases, 'UTC');
      expect([f.month('2026-03'), f.percent(0.9991239), f.duration(3_153_600), f.duration(93_600_000)], language).toEqual([month, percent, short, long]);
    }
  });

  it('never rounds an availability up to a better figure than measured', () => {
    expect(new ReportFormat('de', 'UTC').percent(0.9999999)).toBe('99,999 %');
    expect(new ReportFormat('en', 'UTC').percent(null)).toBe('–');
  });

  it('prints days and times in the tenant zone, 24-hour, whatever the UTC date', () => {
    // 23:30 UTC on 29 November is 00:30 on the 30th in Madrid (UTC+1) and 20:30 on the 29th in São Paulo (UTC−3).
    const instant = new Date('2026-11-29T23:30:00Z');
    expect(new ReportFormat('es', 'Europe/Madrid').dateTime(instant)).toBe('30 nov 2026, 00:30');
    expect(new ReportFormat('pt', 'America/Sao_Paulo').dateTime(instant)).toBe('29 de nov. de 2026, 20:30');
    expect(new ReportFormat('en', 'Europe/Madrid').isoDay(instant)).toBe('2026-11-30');
    expect(new ReportFormat('en', 'America/Sao_Paulo').isoDay(instant)).toBe('2026-11-29');
  });

  it('has every sentence in every language, and the plural that language uses', () => {
    for (const language of REPORT_LANGUAGES) {
      const t = REPORT_MESSAGES[language];
      for (const [key, value] of Object.entries(t)) expect(value, `${language}.${key}`).toBeTruthy();
    }
    const f = (l: 'en' | 'fr') => new ReportFormat(l, 'UTC');
    // French counts 0 as singular, English does not.
    expect(f('en').t.incidents(f('en').plural(0))).toBe('incidents');
    expect(f('fr').t.incidents(f('fr').plural(0))).toBe('incident');
  });
});
