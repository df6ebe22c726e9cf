import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formErrors, pathInWords } from './errors.js';

const apiError = (message: string, field?: string) => new GraphQLError(message, { extensions: { code: 'VALIDATION_FAILED', ...(field ? { field } : {}) } });

describe('form errors from the API', () => {
  it('puts a field’s error next to that field, without the field prefix, and the rest in the general list', () => {
    const error = new CombinedError({ graphQLErrors: [apiError('input.name: must be a host name', 'input.name'), apiError('too many attempts')] });
    expect(formErrors(error, ['name', 'addresses'])).toEqual({ fields: { name: 'must be a host name' }, general: ['too many attempts'] });
  });

  it('falls back from a nested field to the nearest known one (config.url → config), else to the general list', () => {
    const nested = new CombinedError({ graphQLErrors: [apiError('input.config.url: must be http or https', 'input.config.url')] });
    expect(formErrors(nested, ['config']).fields).toEqual({ config: 'must be http or https' });
    expect(formErrors(nested, ['config.url']).fields).toEqual({ 'config.url': 'must be http or https' });
    expect(formErrors(nested, ['name'])).toEqual({ fields: {}, general: ['Config, URL: must be http or https'] });
  });

  it('names a field the form has no control for in words, never as an identifier', () => {
    expect(pathInWords('input.steps[1].delayMinutes: must be later than the step before')).toBe('Steps 2, delay minutes: must be later than the step before');
    expect(pathInWords('input.timeoutMs: must be shorter than the interval')).toBe('Timeout (ms): must be shorter than the interval');
    expect(pathInWords('input.members[0].hostId: web1 is listed twice')).toBe('Members 1, host: web1 is listed twice');
    expect(pathInWords('input.sshJumpHostId: a host cannot be its own jump host')).toBe('SSH jump host: a host cannot be its own jump host');
    expect(pathInWords('input.componentIds: is not a component')).toBe('Components: is not a component');
    expect(pathInWords('too many attempts: wait a minute')).toBe('too many attempts: wait a minute');
  });

  it('says the API cannot be reached on a network error', () => {
    const error = new CombinedError({ networkError: new Error('Failed to fetch') });
    expect(formErrors(error, []).general[0]).toMatch(/cannot be reached/);
  });
});
