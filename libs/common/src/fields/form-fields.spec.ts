import { describe, expect, it } from 'vitest';
import { flag, headers, httpUrl, int, intList, oneOf, port, refined, secret, stringList, text } from './fields.js';
import { formFieldsOf, labelOf } from './form-fields.js';

describe('a kind’s settings as form fields', () => {
  it('reads each control from the field: through optional and refined, choices and collections from their tags', () => {
    const fields = formFieldsOf({
      url: httpUrl(),
      method: oneOf(['GET', 'POST'] as const).optional(),
      port: port().optional(),
      count: refined(int(), (v) => (v <= 10 ? undefined : 'at most 10')).optional(),
      codes: refined(intList(), (v) => (v.length ? undefined : 'at least one')).optional(),
      answers: stringList().optional(),
      headers: headers(/^authorization$/i).optional(),
      tlsVerify: flag().optional(),
      password: secret(text()).optional(),
    });
    expect(fields.map((f) => [f.name, f.input, f.required, f.secret])).toEqual([
      ['url', 'text', true, false],
      ['method', 'choice', false, false],
      ['port', 'number', false, false],
      ['count', 'number', false, false],
      ['codes', 'numbers', false, false],
      ['answers', 'list', false, false],
      ['headers', 'pairs', false, false],
      ['tlsVerify', 'flag', false, false],
      ['password', 'text', false, true],
    ]);
    expect(fields[1]!.choices).toEqual(['GET', 'POST']);
  });

  it('names settings in words', () => {
    expect(['expectedStatus', 'tlsVerify', 'maxLatencyMs', 'smtpHost', 'url'].map(labelOf)).toEqual(['Expected status', 'TLS verify', 'Max latency (ms)', 'SMTP host', 'URL']);
    expect(['apiKey', 'tsigSecret'].map(labelOf)).toEqual(['API key', 'TSIG secret']);
  });
});
