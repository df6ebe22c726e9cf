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

  it('refuses a misspelt setting and an endpoint given for the API’s address, saying what it reads; the server’s settings pass', () => {
    const base = { VIGIA_API_URL: 'http://x', VIGIA_VANTAGE_TOKEN: TOKEN };
    expect(() => loadAgentConfig({ ...base, VIGIA_EGRES_ALLOW: '10.0.0.0/8' })).toThrow(/^VIGIA_EGRES_ALLOW: unknown setting \(check the spelling; an agent reads VIGIA_API_URL, VIGIA_VANTAGE_TOKEN, VIGIA_EGRESS_ALLOW, /);
    // One environment file for the server and an agent on the same machine: the server's settings are not the agent's business.
    expect(loadAgentConfig({ ...base, VIGIA_PUBLIC_URL: 'https://vigia.example.com', VIGIA_EGRESS_ALLOW: '10.0.0.0/8' }).egress.allow).toEqual(['10.0.0.0/8']);
    expect(() => loadAgentConfig({ ...base, VIGIA_API_URL: 'https://vigia.example.com/graphql' })).toThrow(/^VIGIA_API_URL: the API's address without \/graphql \(the agent adds \/agent itself\)/);
    expect(() => loadAgentConfig({ ...base, VIGIA_API_URL: 'https://vigia.example.com/agent/' })).toThrow(/^VIGIA_API_URL: the API's address without \/agent/);
    // Behind a proxy under a path of its own: kept.
    expect(loadAgentConfig({ ...base, VIGIA_API_URL: 'https://example.com/vigia/' }).agentUrl).toBe('wss://example.com/vigia/agent');
  });
});
