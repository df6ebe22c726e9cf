import { describe, expect, it } from 'vitest';
import { checkSettings, requiredKeys, secretPaths } from './check-settings.js';
import { address, headers, httpUrl, int, port, refined, secret, text } from './fields.js';

const shape = {
  host: address(),
  port: port().optional(),
  url: httpUrl().optional(),
  retries: refined(int({ min: 0 }), (n) => (n <= 5 ? undefined : 'must be at most 5')).optional(),
  password: secret(text()).optional(),
  headers: headers(/^authorization$/i).optional(),
};
const words = { path: 'input.config', unknown: () => 'is not a setting of a test kind', required: () => 'is required for a test kind' };
const judge = { literalRefusal: (h: string) => (h === '127.0.0.1' ? 'refused by egress policy: loopback' : undefined), urlRefusal: (u: string) => (u.includes('169.254.') ? 'refused by egress policy: metadata' : undefined) };
const problem = (input: Record<string, unknown>): string => {
  try {
    checkSettings(shape, input, words, judge);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('the field-spec language', () => {
  it.each([
    [{ host: 'db1.example.net', port: 3306, retries: 5 }, 'accepted'],
    [{}, 'input.config.host: is required for a test kind'],
    [{ host: 'db1', extra: 1 }, 'input.config.extra: is not a setting of a test kind'],
    [{ host: 'db1', port: 0 }, 'input.config.port: must be a port from 1 to 65535'],
    [{ host: 'db1', retries: -1 }, 'input.config.retries: must be at least 0'],
    [{ host: 'db1', retries: 6 }, 'input.config.retries: must be at most 5'],
    [{ host: 'evil;rm -rf /' }, 'input.config.host: must be an IP address or a host name'],
    [{ host: '127.0.0.1' }, 'input.config.host: refused by egress policy: loopback'],
    [{ host: 'db1', url: 'ftp://x' }, 'input.config.url: must be an http:// or https:// URL'],
    [{ host: 'db1', url: 'http://169.254.169.254/' }, 'input.config.url: refused by egress policy: metadata'],
    [{ host: 'db1', constructor: 1 }, 'input.config.constructor: is not a setting of a test kind'],
  ])('%o → %s', (input, expected) => {
    expect(problem(input)).toBe(expected);
  });

  it('derives the required keys and the credentials from the fields', () => {
    expect(requiredKeys(shape)).toEqual(['host']);
    expect(secretPaths(shape, { host: 'h', password: 'p', headers: { Authorization: 'Bearer x', Accept: 'text/html' } })).toEqual(['password', 'headers.Authorization']);
  });
});
