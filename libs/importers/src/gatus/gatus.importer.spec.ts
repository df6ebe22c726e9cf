import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGatus } from './gatus.importer.js';

describe('Gatus importer on a 40-endpoint configuration', () => {
  const fleet = importGatus('test/fixtures/importers/gatus/config.yaml');
  const monitor = (name: string) => fleet.monitors.find((m) => m.name === name);
  const report = (what: string) => fleet.unmapped.filter((u) => u.what.startsWith(what)).map((u) => u.why);

  it('accounts for all 40 endpoints: 38 monitors, 2 with no probe reported', () => {
    expect(fleet.monitors).toHaveLength(38);
    expect(report('endpoint "chat-websocket"')).toEqual(['wss:// endpoints have no Vigia probe']);
    expect(report('endpoint "grpc-api"')).toEqual(['grpc:// endpoints have no Vigia probe']);
  });

  it('maps HTTP conditions, merge keys from an anchor, groups as tags and alerts as channels', () => {
    expect(monitor('bakery-lopez')).toMatchObject({
      type: 'http', host: 'www.bakery-lopez.example', intervalMs: 120_000, timeoutMs: 10_000, tags: ['customer-sites'],
      channels: ['gatus-email', 'gatus-pagerduty'],
      config: { url: 'https://www.bakery-lopez.example/', expectedStatus: [200], maxLatencyMs: 1500, certExpiryWarnDays: 10, bodyContains: 'bakery' },
    });
    expect(monitor('panel')!.config).toEqual({ url: 'https://panel.example-hosting.net/api/health', expectedStatus: [200, 204], jsonPath: '$.status', jsonEquals: 'UP' });
    expect(monitor('status-api')).toMatchObject({ timeoutMs: 5000, config: { bodyRegex: '^ok-.*-ready$', tlsVerify: false } });
    expect(monitor('panel-login')!.config).toMatchObject({ method: 'POST', body: 'user=probe&dry_run=1' });
    expect(monitor('panel-login')!.config.expectedStatus).toBeUndefined();
  });

  it('maps starttls://, tls://, tcp://, icmp://, ssh:// and DNS endpoints', () => {
    expect(monitor('smtp-mx3')).toMatchObject({ type: 'smtp', config: { host: 'mx3.example-hosting.net', port: 587, starttls: true } });
    expect(monitor('imaps-mail1')).toMatchObject({ type: 'imap', host: '10.20.1.21', config: { port: 993, tls: true } });
    expect(monitor('mysql-master')).toMatchObject({ type: 'tcp', intervalMs: 30_000, config: { port: 3306 } });
    expect(monitor('gateway-ping')).toMatchObject({ type: 'icmp', config: {} });
    expect(monitor('backup-ssh')).toMatchObject({ type: 'ssh', config: { user: 'monitor', command: 'test -f /srv/backup/last-ok', port: 22 } });
    expect(monitor('dns-ns1')!.config).toEqual({ server: '10.20.2.53', name: 'example-hosting.net', recordType: 'A', rcode: 'NOERROR', expect: ['203.0.113.10'] });
    expect(monitor('dns-ns2')!.config).toMatchObject({ server: '10.20.2.54', port: 53, recordType: 'MX' });
  });

  it('imports channels without their secrets and says which secret to give', () => {
    expect(fleet.channels.map((c) => [c.name, c.type, c.secretsNeeded])).toEqual([
      ['gatus-email', 'email', []], ['gatus-pagerduty', 'pagerduty', ['secret']], ['gatus-custom', 'webhook', ['secret']],
    ]);
    expect(fleet.channels[0]!.config).toEqual({ to: ['noc@example-hosting.net', 'oncall@example-hosting.net'] });
    const text = JSON.stringify(fleet);
    for (const secret of ['mail-secret-1', '0123456789abcdef0123456789abcdef', 'ssh-secret-2', 'push-token-3', 'XXXXXXXX']) expect(text).not.toContain(secret);
    expect(report('alerting.slack')[0]).toContain('no slack channel');
    expect(report('endpoint "panel" alert slack')).toHaveLength(1);
  });

  it('reports every condition it does not assert, and the DNS names a host needs addresses for', () => {
    expect(report('monitor "panel"')).toEqual(['condition [BODY].database.status == UP is not asserted by Vigia\'s http probe']);
    expect(report('monitor "backup-ssh"')).toContain('condition [STATUS] == 0 is not asserted by Vigia\'s ssh probe');
    expect(report('host panel.example-hosting.net')[0]).toContain('is a DNS name');
    expect(report('external endpoint')).toHaveLength(1);
    expect(fleet.unmapped.every((u) => /config\.yaml:\d+$/.test(u.origin))).toBe(true);
  });

  it('reports a broken file with its line instead of importing half of it', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatus-')), 'config.yaml');
    writeFileSync(file, 'endpoints:\n  - name: a\n    url: "http://192.0.2.1/\n    conditions: [\n');
    const result = importGatus(file);
    expect(result.unmapped[0]!.origin).toMatch(/config\.yaml:\d+$/);
    expect(result.unmapped[0]!.what).toBe('YAML');
  });
});
