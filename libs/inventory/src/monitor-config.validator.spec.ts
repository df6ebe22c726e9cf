import { describe, expect, it } from 'vitest';
import { ProbeType } from './entities/enums.js';
import { validateMonitorConfig } from './monitor-config.validator.js';

const fails = (type: ProbeType, config: Record<string, unknown>): string => {
  try {
    validateMonitorConfig(type, config);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('validateMonitorConfig', () => {
  it.each([
    [ProbeType.http, { url: 'https://shop.example/health', expectedStatus: [200, 204], headers: { 'X-Probe': 'vigia' }, tlsVerify: true }],
    [ProbeType.tcp, { port: 25, bannerRegex: '^220 ' }],
    [ProbeType.icmp, {}],
    [ProbeType.dns, { server: '192.0.2.53', name: 'www.example.net', expect: ['192.0.2.80'] }],
    [ProbeType.mysql, { user: 'vigia', replica: true, maxLagSeconds: 30 }],
    [ProbeType.ssh, { command: 'systemctl is-active nginx', expectExitCode: 0 }],
    [ProbeType.mail_roundtrip, { from: 'probe@example.net', to: 'probe@example.net', deadlineMs: 60000 }],
  ])('accepts a sound %s config', (type, config) => {
    expect(fails(type, config)).toBe('accepted');
  });

  it.each([
    [ProbeType.http, {}, 'input.config.url: is required for a http monitor'],
    [ProbeType.http, { url: 'ftp://x' }, 'input.config.url: must be an http:// or https:// URL'],
    [ProbeType.http, { url: 'http://x/', bodyRegex: '(' }, 'input.config.bodyRegex: must be a valid regular expression'],
    [ProbeType.http, { url: 'http://x/', headers: { 'Bad Header': 'v' } }, 'input.config.headers: must be an object of header names to string values'],
    [ProbeType.tcp, { port: 70000 }, 'input.config.port: must be a port from 1 to 65535'],
    [ProbeType.tcp, { port: 22, host: 'evil;rm -rf /' }, 'input.config.host: must be an IP address or a host name'],
    [ProbeType.ssh, { command: 'true', expectExitCode: -1 }, 'input.config.expectExitCode: must be a whole number ≥ 0'],
    [ProbeType.icmp, { url: 'http://x/' }, 'input.config.url: is not a setting of a icmp monitor'],
    [ProbeType.ssh, { command: 'x'.repeat(20_000) }, 'input.config: is larger than 16384 bytes'],
  ])('refuses %s %o', (type, config, message) => {
    expect(fails(type, config)).toBe(message);
  });
});
