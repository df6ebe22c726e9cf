import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfContent, pdfText, TINY_PNG_BASE64 } from './support/pdf-text.js';
import { pathOf, startTestApi, type TestApi } from './support/test-api.js';

/**
 * The customer's report as a hosting company sends it: a Madrid tenant, an outage from 00:30 to 01:15 Madrid time on
 * 11 October 2026 (22:30–23:15 UTC on the 10th), in the customer's language, with the tenant's logo.
 *
 * Expected figures by hand: October 2026 in Madrid has 31 days and one of 25 h (CEST ends on the 25th): 745 h
 * observed; 45 min down → availability 1 − 0.75/745 = 0.9989932… → printed truncated as 99.899 %. 99.9 % of 745 h
 * allows 0.745 h = 44 min 42 s < 45 min: missed. The 11th alone: 1 − 0.75/24 = 96.875 %.
 */
describe('customer report: one zone, five languages, branding, a real PDF', () => {
  let api: TestApi;
  let token: string;
  let customer: string;
  const PAGE_CUSTOMER = 'Panadería <López>';

  const run = <T,>(q: string, variables: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, variables, token);
  const link = async (month = '2026-10') =>
    `${api.url}${pathOf((await run<{ customerReportLink: string }>(`mutation { customerReportLink(customerId: "${customer}", month: "${month}") }`)).customerReportLink)}`;
  const setLanguage = (language: string | null) => run(`mutation($l: String) { updateCustomer(id: "${customer}", input: {language: $l}) { id } }`, { l: language });

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.tenant('madrid')).token;
    await run('mutation { updateTenant(input: {timeZone: "Europe/Madrid", name: "Hosting Ibérica"}) { id } }');
    customer = (await run<{ createCustomer: { id: string } }>(`mutation { createCustomer(input: {name: ${JSON.stringify(PAGE_CUSTOMER)}}) { id } }`)).createCustomer.id;
    const host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "internal-web-7", addresses: ["10.9.8.7"]}) { id } }')).createHost.id;
    const service = (await run<{ createService: { id: string } }>(`mutation { createService(input: {name: "Tienda online", type: web, hostId: "${host}", customerIds: ["${customer}"]}) { id } }`)).createService.id;
    const monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "internal-web-7 http", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://10.9.8.7/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`)).createMonitor.id;
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    // The customer was served from then on (a link counts from its start), and the monitor had its first verdict.
    await db.query("UPDATE service_customers SET starts_at = '2026-09-01T00:00:00Z'");
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors");
    const [{ tenant_id }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [monitor]);
    await db.query(
      `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, 'resolved', '2026-10-10T22:30:00Z', '2026-10-10T23:15:00Z', 'HTTP 503 from 10.9.8.7')`,
      [tenant_id, monitor, host, service],
    );
    await run(`mutation { setSlaTarget(customerId: "${customer}", targetPercent: 99.9) { id } }`);
  }, 60_000);
  afterAll(() => api?.close());

  it('lists an outage just after midnight on the tenant-zone day, in every format, and says which zone', async () => {
    await setLanguage('en');
    const url = await link();
    const html = await (await fetch(url)).text();
    expect(html).toContain('All days and times in Europe/Madrid.');
    expect(html).toContain('<td>Tienda online</td><td>Oct 11, 2026, 00:30</td><td>Oct 11, 2026, 01:15</td><td>45 min</td>');
    // The 11th lost 45 min of its 24 h; the 10th (the UTC day of the outage) lost nothing.
    expect(html).toContain('title="Sun, Oct 11: 96.875 %, down 45 min"');
    expect(html).toContain('title="Sat, Oct 10: 100.000 %, down 0 s"');
    expect(html).toContain('<b class="breach">missed</b>target 99.9 % (allowed 44 min 42 s)');
    expect(html.match(/class="day /g)).toHaveLength(31);

    const csv = await (await fetch(`${url}&format=csv`)).text();
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('day (Europe/Madrid),availability,downtime_ms,planned_ms');
    expect(rows).toHaveLength(1 + 31 + 1);
    expect(rows[10]).toBe('2026-10-10,1,0,0');
    expect(rows[11]).toBe('2026-10-11,0.96875,2700000,0');

    const json = (await (await fetch(`${url}&format=json`)).json()) as { timeZone: string; series: { day: string; figures: { downtimeMs: number } }[] };
    expect(json.timeZone).toBe('Europe/Madrid');
    expect(json.series.map((d) => d.day)).toEqual(Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`));
    expect(json.series[10]!.figures.downtimeMs).toBe(2_700_000);
    expect(json.series[9]!.figures.downtimeMs).toBe(0);
  });

  it('returns a real PDF with the same content and nothing internal', async () => {
    await setLanguage('es');
    const res = await fetch(`${await link()}&format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Hosting Ibérica');
    expect(text).toContain(`${PAGE_CUSTOMER}: disponibilidad del servicio, octubre de 2026`);
    expect(text).toContain('99,899 %');
    expect(text).toContain('45 min');
    expect(text).toContain('incumplido');
    expect(text).toContain('objetivo 99,9 % (permitido 44 min 42 s)');
    expect(text).toContain('Todos los días y horas en la zona horaria Europe/Madrid.');
    expect(text).toContain('Tienda online');
    expect(text).toContain('11 oct 2026, 00:30');
    expect(text).not.toMatch(/10\.9\.8\.7|internal-web-7|HTTP 503/);
    // A bar per day, drawn: 31 rectangles (then filled) in the content stream; nothing else draws one.
    expect(pdfContent(pdf).match(/ re\n/g)).toHaveLength(31);
  });

  it('speaks the customer’s language on the page, the CSV and the PDF; without one, the tenant’s default', async () => {
    const expected: Record<string, string[]> = {
      en: ['service availability, October 2026', '99.899 %', 'Day by day', 'missed', 'Duration'],
      es: ['disponibilidad del servicio, octubre de 2026', '99,899 %', 'Día a día', 'incumplido', 'Duración'],
      pt: ['disponibilidade do serviço, outubro de 2026', '99,899 %', 'Dia a dia', 'não cumprida', 'Duração'],
      de: ['Verfügbarkeit der Dienste, Oktober 2026', '99,899 %', 'Tag für Tag', 'verfehlt', 'Dauer'],
      fr: ['disponibilité du service, octobre 2026', '99,899 %', 'Jour par jour', 'non atteint', 'Durée'],
    };
    const csvHeader: Record<string, string> = { en: 'day (Europe/Madrid)', es: 'día (Europe/Madrid)', pt: 'dia (Europe/Madrid)', de: 'tag (Europe/Madrid)', fr: 'jour (Europe/Madrid)' };
    for (const [language, strings] of Object.entries(expected)) {
      await setLanguage(language);
      const url = await link();
      const html = await (await fetch(url)).text();
      const pdf = pdfText(Buffer.from(await (await fetch(`${url}&format=pdf`)).arrayBuffer()));
      const csv = await (await fetch(`${url}&format=csv`)).text();
      expect(html, language).toContain(`<html lang="${language}">`);
      for (const s of strings) {
        expect(html, `${language} page: ${s}`).toContain(s);
        expect(pdf, `${language} PDF: ${s}`).toContain(s);
      }
      expect(csv.split(',')[0], language).toBe(csvHeader[language]);
    }
    await setLanguage(null);
    await run('mutation { updateTenant(input: {defaultLanguage: "fr"}) { defaultLanguage } }');
    expect(await (await fetch(await link())).text()).toContain('disponibilité du service, octobre 2026');
    await run('mutation { updateTenant(input: {defaultLanguage: "en"}) { defaultLanguage } }');
  });

  it('refuses a language outside the five, naming the field, and saves nothing', async () => {
    await setLanguage('de');
    const bad = await api.gql(`mutation { updateCustomer(id: "${customer}", input: {language: "it", name: "Renamed"}) { id } }`, {}, token);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.language' });
    const badDefault = await api.gql('mutation { updateTenant(input: {defaultLanguage: "EN", name: "Renamed"}) { id } }', {}, token);
    expect(badDefault.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.defaultLanguage' });
    const me = await run<{ me: { tenant: { name: string; defaultLanguage: string } } }>('{ me { tenant { name defaultLanguage } } }');
    expect(me.me.tenant).toEqual({ name: 'Hosting Ibérica', defaultLanguage: 'en' });
    const db = api.app.get(DataSource);
    expect((await db.query('SELECT name, language FROM customers WHERE id = $1', [customer]))[0]).toEqual({ name: PAGE_CUSTOMER, language: 'de' });
  });

  it('shows the tenant’s logo and colour on the page (allowed by its CSP) and in the PDF', async () => {
    await setLanguage('en');
    const before = await (await fetch(await link())).text();
    expect(before).not.toContain('<img');
    const admin = await api.userWithRole(token, 'madrid', 'admin');
    const set = await api.gql<{ updateTenantBranding: { primaryColor: string; logo: string } }>(
      'mutation($i: UpdateTenantBrandingInput!) { updateTenantBranding(input: $i) { primaryColor logo } }',
      { i: { logo: TINY_PNG_BASE64, primaryColor: '#AA3300' } },
      admin,
    );
    expect(set.errors).toBeUndefined();
    expect(set.data?.updateTenantBranding).toEqual({ primaryColor: '#aa3300', logo: `data:image/png;base64,${TINY_PNG_BASE64}` });
    const res = await fetch(await link());
    expect(res.headers.get('content-security-policy')).toContain('img-src data:');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain(`<img class="logo" src="data:image/png;base64,${TINY_PNG_BASE64}" alt="Hosting Ibérica">`);
    expect(html).toContain('h1{font-size:1.4rem;margin:0;color:#aa3300}');
    const pdf = Buffer.from(await (await fetch(`${await link()}&format=pdf`)).arrayBuffer()).toString('latin1');
    expect(pdf).toMatch(/\/Subtype \/Image/);
    const operator = await api.userWithRole(token, 'madrid', 'operator');
    const forbidden = await api.gql('mutation { updateTenantBranding(input: {primaryColor: "#000000"}) { id } }', {}, operator);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a logo that is not a small PNG/JPEG and a colour that is not #rrggbb, naming the field, saving nothing', async () => {
    const branding = (i: Record<string, unknown>) => api.gql('mutation($i: UpdateTenantBrandingInput!) { updateTenantBranding(input: $i) { id } }', { i }, token);
    const notImage = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
    const bigPng = Buffer.concat([Buffer.from(TINY_PNG_BASE64, 'base64'), Buffer.alloc(300 * 1024)]).toString('base64');
    const cases: [string, Record<string, unknown>, string][] = [
      ['an SVG', { logo: `data:image/svg+xml;base64,${notImage}` }, 'input.logo'],
      ['bytes that are no image', { logo: notImage }, 'input.logo'],
      ['a PNG said to be a JPEG', { logo: `data:image/jpeg;base64,${TINY_PNG_BASE64}` }, 'input.logo'],
      ['not base64', { logo: 'data:image/png;base64,@@@@' }, 'input.logo'],
      ['over 256 KiB', { logo: bigPng }, 'input.logo'],
      ['a colour name', { primaryColor: 'red' }, 'input.primaryColor'],
      ['CSS after a colour', { primaryColor: '#000000;background:url(x)' }, 'input.primaryColor'],
      ['a good colour with a bad logo', { primaryColor: '#000000', logo: notImage }, 'input.logo'],
    ];
    for (const [name, input, field] of cases) {
      const res = await branding(input);
      expect(res.errors?.[0]?.extensions, name).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    // Saving other settings of the tenant (which does not load the logo) keeps it.
    await run('mutation { updateTenant(input: {customerNotices: false}) { id } }');
    const me = await run<{ me: { tenant: { primaryColor: string; logo: string } } }>('{ me { tenant { primaryColor logo } } }');
    expect(me.me.tenant).toEqual({ primaryColor: '#aa3300', logo: `data:image/png;base64,${TINY_PNG_BASE64}` });
  });
});
