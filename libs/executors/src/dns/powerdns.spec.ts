import { describe, expect, it } from 'vitest';
import { powerDnsRequest } from './powerdns.js';
import { fqdn } from './rfc2136.js';

describe('PowerDNS RRset replacement', () => {
  it('names are absolute once: relative names get the zone, absolute ones and CNAME targets keep theirs', () => {
    expect(fqdn('www', 'example.com')).toBe('www.example.com.');
    expect(fqdn('@', 'example.com.')).toBe('example.com.');
    expect(fqdn('www.example.com', 'example.com')).toBe('www.example.com.');
    expect(fqdn('www.example.com.', 'example.com')).toBe('www.example.com.');
    // A CNAME's target has no zone of its own: one trailing dot, never two.
    expect(fqdn('web-b.demo.invalid', '')).toBe('web-b.demo.invalid.');
  });

  it('a CNAME change carries its target as an absolute name', () => {
    const request = powerDnsRequest('http://127.0.0.1:8081/', 'localhost', { server: '127.0.0.1', port: 53, zone: 'demo.invalid', name: 'www', type: 'CNAME', ttl: 30, values: ['web-b.demo.invalid'] }, 'k');
    expect(request.url).toBe('http://127.0.0.1:8081/api/v1/servers/localhost/zones/demo.invalid.');
    expect(JSON.parse(request.body)).toEqual({
      rrsets: [{ name: 'www.demo.invalid.', type: 'CNAME', ttl: 30, changetype: 'REPLACE', records: [{ content: 'web-b.demo.invalid.', disabled: false }] }],
    });
  });
});
