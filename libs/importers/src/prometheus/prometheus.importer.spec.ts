import { describe, expect, it } from 'vitest';
import { importPrometheus } from './prometheus.importer.js';

describe('Prometheus blackbox_exporter importer (prometheus.yml + blackbox.yml + file_sd)', () => {
  const fleet = importPrometheus('test/fixtures/importers/prometheus');
  const monitor = (name: string) => fleet.monitors.find((m) => m.name === name);
  const report = (what: string) => fleet.unmapped.filter((u) => u.what.startsWith(what)).map((u) => `${u.origin} ${u.why}`);

  it('reads targets from static_configs and file_sd files (YAML and JSON, globbed), modules from params or labels', () => {
    expect(fleet.monitors.filter((m) => m.tags.includes('websites'))).toHaveLength(13);
    expect(monitor('websites https://www.hotel-playa.example/')).toMatchObject({
      type: 'http', intervalMs: 60_000, timeoutMs: 5000, tags: ['websites', 'plan=shared', 'env=prod'], config: { url: 'https://www.hotel-playa.example/', method: 'GET' },
    });
    expect(monitor('websites https://www.hotel-playa.example/')!.config.expectedStatus).toBeUndefined();
    expect(monitor('platform https://panel.example-hosting.net/api/health')).toMatchObject({
      intervalMs: 30_000, timeoutMs: 3000, tags: ['platform', 'team=platform'],
      config: { expectedStatus: [200, 204], bodyRegex: '"status":\\s*"(ok|UP)"', tlsVerify: false },
    });
  });

  it('maps tcp dialogues to the right probe: STARTTLS to smtp, TLS on 993 to imap, a banner to bannerRegex', () => {
    expect(monitor('mail 10.30.2.21:25')).toMatchObject({ type: 'smtp', host: '10.30.2.21', config: { port: 25, starttls: true }, tags: ['mail', 'site=mad1'] });
    expect(monitor('mail mx3.example-hosting.net:587')!.config).toEqual({ host: 'mx3.example-hosting.net', port: 587, starttls: true });
    expect(monitor('mail 10.30.2.31:993')).toMatchObject({ type: 'imap', config: { port: 993, tls: true } });
    expect(monitor('platform 10.30.0.31:22')).toMatchObject({ type: 'tcp', config: { port: 22, bannerRegex: '^SSH-2.0-' } });
    expect(monitor('platform 10.30.0.60:3306')).toMatchObject({ type: 'tcp', config: { port: 3306 } });
  });

  it('maps icmp (IPv6 too) and dns modules with the target as the server', () => {
    expect(monitor('ping 2001:db8:30::1')).toMatchObject({ type: 'icmp', intervalMs: 15_000, timeoutMs: 2000 });
    expect(fleet.hosts.find((h) => h.addresses.includes('2001:db8:30::1'))).toBeDefined();
    expect(monitor('platform 10.30.0.54:53')!.config).toEqual({ server: '10.30.0.54', port: 53, name: 'example-hosting.net', recordType: 'SOA', rcode: 'NOERROR' });
    // Two modules on one target: the second monitor gets a number, and its unasserted patterns are reported.
    expect(monitor('platform 10.30.0.53 (2)')!.config).toMatchObject({ recordType: 'MX' });
    expect(report('monitor "platform 10.30.0.53 (2)"')[0]).toContain('validate_*_rrs patterns are not asserted');
  });

  it('reports what it cannot map with file and line, never a credential', () => {
    expect(report('job node')[0]).toMatch(/prometheus\.yml:\d+ not a blackbox job/);
    expect(report('job kubernetes-services')[0]).toContain('other discovery is not read');
    expect(report('platform target 10.30.0.70:50051')[0]).toMatch(/platform\.json:\d+ module grpc_health: prober grpc has no Vigia probe/);
    expect(report('platform target 10.30.0.80:443')[0]).toContain('module http_3xx is not in blackbox.yml');
    expect(monitor('platform https://panel.example-hosting.net/admin')!.secretsNeeded).toEqual(['headers.Authorization']);
    expect(JSON.stringify(fleet)).not.toContain('admin-secret-4');
  });
});
