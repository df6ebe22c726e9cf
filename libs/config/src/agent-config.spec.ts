import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from './agent-config.js';

const TOKEN = `vgv_${'a'.repeat(43)}`;

describe('agent configuration', () => {
  it('needs the API URL and a vantage token, and turns the URL into the agent endpoint', () => {
    expect(loadAgentConfig({ VIGIA_API_URL: 'https://vigia.example.com/', VIGIA_VANTAGE_TOKEN: TOKEN })).toMatchObject({ agentUrl: 'wss://vigia.example.com/agent', bufferLimit: 100_000 });
    expect(() => loadAgentConfig({ VIGIA_VANTAGE_TOKEN: TOKEN })).toThrow(/^VIGIA_API_URL: /);
    expect(() => loadAgentConfig({ VIGIA_API_URL: 'http://x', VIGIA_VANTAGE_TOKEN: 'vgt_nope' })).toThrow(/^VIGIA_VANTAGE_TOKEN: .*\(got <hidden>\)$/);
    expect(() => loadAgentConfig({ VIGIA_API_URL: 'http://x' })).toThrow(/^VIGIA_VANTAGE_TOKEN: must be a vantage token .*\(it is not set\)$/);
  });

  it('refuses database credentials: an agent talks to the API only', () => {
    expect(() => loadAgentConfig({ VIGIA_API_URL: 'http://x', VIGIA_VANTAGE_TOKEN: TOKEN, DATABASE_URL: 'postgres://u:p@db/vigia' })).toThrow(/^DATABASE_URL: an agent holds no database credentials/);
  });
});
