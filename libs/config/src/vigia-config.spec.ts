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

  it('takes the CLI’s variables, exported in the shell Vigia is started from, for what they are: not its settings', () => {
    expect(() => loadVigiaConfig({ VIGIA_URL: 'http://127.0.0.1:3000', VIGIA_TOKEN: 'vgk_x', VIGIA_SECRET_CHANNEL_PAGER: 's' })).not.toThrow();
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

  describe('VIGIA_DEMO_MYSQL_URL (the live demo\'s MySQL target)', () => {
    it('is unset by default: the demo has no MySQL target', () => {
      expect(loadVigiaConfig({}).demoMysql).toBeUndefined();
    });

    it('parses user, password (percent-decoded), loopback address, port and database', () => {
      expect(loadVigiaConfig({ VIGIA_DEMO_MYSQL_URL: 'mysql://vigia_demo:p%40ss%2Fw@127.0.0.1:3307/shop' }).demoMysql).toEqual({
        address: '127.0.0.1', port: 3307, user: 'vigia_demo', password: 'p@ss/w', database: 'shop',
      });
      expect(loadVigiaConfig({ VIGIA_DEMO_MYSQL_URL: ' mysql://monitor@localhost/ ' }).demoMysql).toEqual({
        address: '127.0.0.1', port: 3306, user: 'monitor', password: undefined, database: undefined,
      });
      expect(loadVigiaConfig({ VIGIA_DEMO_MYSQL_URL: 'mysql://monitor:pw@[::1]:3306' }).demoMysql).toMatchObject({ address: '::1', port: 3306 });
      expect(loadVigiaConfig({ VIGIA_DEMO_MYSQL_URL: 'mysql://monitor:pw@127.0.0.53' }).demoMysql).toMatchObject({ address: '127.0.0.53' });
    });

    it.each([
      ['not a url', /must be a mysql:\/\/ URL with a user/],
      ['postgres://u:p@127.0.0.1/x', /must be a mysql:\/\/ URL, e\.g\./],
      ['mysql://127.0.0.1:3306/', /must name the user/],
      ['mysql://u:p@127.0.0.1:99999/', /must be a mysql:\/\/ URL with a user/],
      ['mysql://u:p@127.0.0.1/a/b', /at most one database/],
      ['mysql://u:p@127.0.0.1/?ssl=true', /must not carry \?options/],
    ])('refuses the malformed %s, naming the setting and hiding the password', (value, message) => {
      const attempt = () => loadVigiaConfig({ VIGIA_DEMO_MYSQL_URL: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^VIGIA_DEMO_MYSQL_URL: /);
      expect(attempt).toThrow(message);
      expect(attempt).toThrow(/\(got <hidden>\)$/);
    });

    it.each([
      ['mysql://u:secret@10.0.0.5:3306/', '10.0.0.5'],
      ['mysql://u:secret@db.example.com/', 'db.example.com'],
      ['mysql://u:secret@0.0.0.0/', '0.0.0.0'],
      ['mysql://u:secret@[fd00::1]/', 'fd00::1'],
      ['mysql://u:secret@2130706433/', '2130706433'],
      ['mysql://u:secret@[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ])('refuses the non-loopback host of %s with the setting named', (value, host) => {
      const attempt = () => loadVigiaConfig({ VIGIA_DEMO_MYSQL_URL: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(`VIGIA_DEMO_MYSQL_URL: must name a loopback address (127.0.0.0/8, ::1 or localhost), not ${host}`);
      expect(attempt).not.toThrow(/secret/);
    });
  });
});
