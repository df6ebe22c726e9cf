import { describe, expect, it } from 'vitest';
import { resolveTarget } from './profiles.js';

describe('resolveTarget: where the CLI sends its requests', () => {
  const env = (url: string): NodeJS.ProcessEnv => ({ VIGIA_URL: url, VIGIA_TOKEN: 'vgt_x', VIGIA_PROFILES: '/nonexistent/profiles.json' });

  it('takes VIGIA_URL and VIGIA_TOKEN, without a trailing slash', async () => {
    expect(await resolveTarget(undefined, env('http://127.0.0.1:3000/'))).toEqual({ url: 'http://127.0.0.1:3000', token: 'vgt_x' });
  });

  it('says what is missing from an address without a scheme (it was "Invalid URL")', async () => {
    await expect(resolveTarget(undefined, env('127.0.0.1:3971'))).rejects.toThrow("the API's address 127.0.0.1:3971 must start with http:// or https:// (e.g. http://127.0.0.1:3971)");
    await expect(resolveTarget(undefined, env('ftp://vigia.example.com'))).rejects.toThrow(/must start with http:\/\/ or https:\/\/ \(e\.g\. http:\/\/vigia\.example\.com\)/);
  });
});
