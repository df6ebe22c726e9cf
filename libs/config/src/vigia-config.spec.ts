import { describe, expect, it } from 'vitest';
import { ConfigError, loadVigiaConfig } from './vigia-config.js';

describe('loadVigiaConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadVigiaConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir.endsWith('.vigia')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect([...config.roles]).toEqual(['api', 'watchdog']);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: .*(number|integer).*\(got "eighty"\)$/],
    [{ PORT: '70000' }, /^PORT: .*65535/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres:\/\/ .*\(got <hidden>\)$/],
    [{ VIGIA_ROLES: 'api,probe' }, /^VIGIA_ROLES: must be a comma-separated list/],
    [{ VIGIA_DATADIR: '/tmp' }, /^VIGIA_DATADIR: unknown setting/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ VIGIA_BOOTSTRAP_EMAIL: 'a@b.example' }, /^VIGIA_BOOTSTRAP_PASSWORD: .*go together/],
    [{ VIGIA_BOOTSTRAP_EMAIL: 'a@b.example', VIGIA_BOOTSTRAP_PASSWORD: 'short' }, /^VIGIA_BOOTSTRAP_PASSWORD: must be at least 12/],
    [{ VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '2', VIGIA_WATCHDOG_SILENCE_SECONDS: '5' }, /^VIGIA_WATCHDOG_SILENCE_SECONDS: must be at least three heartbeats \(6 s/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadVigiaConfig(env)).toThrow(ConfigError);
    expect(() => loadVigiaConfig(env)).toThrow(message);
  });

  it('parses numbers and roles', () => {
    const config = loadVigiaConfig({ PORT: '8080', VIGIA_ROLES: 'watchdog', VIGIA_SESSION_TTL_HOURS: '2' });
    expect(config.port).toBe(8080);
    expect([...config.roles]).toEqual(['watchdog']);
    expect(config.sessionTtlMs).toBe(7_200_000);
  });

  it('moves monitors after three missed beats but tells people and reports only after the longer silence bound', () => {
    const defaults = loadVigiaConfig({});
    expect([defaults.watchdogHeartbeatMs, defaults.watchdogOwnershipMs, defaults.watchdogSilenceMs]).toEqual([1000, 3000, 6000]);
    // A slow heartbeat stretches the silence bound with it: never shorter than the ownership bound.
    const slow = loadVigiaConfig({ VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '5' });
    expect([slow.watchdogOwnershipMs, slow.watchdogSilenceMs]).toEqual([15_000, 15_000]);
    expect(loadVigiaConfig({ VIGIA_WATCHDOG_SILENCE_SECONDS: '3' }).watchdogSilenceMs).toBe(3000);
  });

  it('keeps the database URL it is given and replaces it only through withDatabaseUrl', () => {
    const config = loadVigiaConfig({ DATABASE_URL: 'postgres://u:p@db:5432/vigia' });
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/vigia');
    const embedded = loadVigiaConfig({}).withDatabaseUrl('postgres://x@127.0.0.1:1/v');
    expect(embedded.databaseUrl).toBe('postgres://x@127.0.0.1:1/v');
    expect(embedded).toBeInstanceOf(Object.getPrototypeOf(config).constructor);
  });
});
