import { describe, expect, it } from 'vitest';
import { objectIdsOf } from './audit.interceptor.js';

describe('the objects a mutation is recorded against', () => {
  it('its id; each of a bulk edit\'s ids; its one …Id argument before the id of what it returns; what a create returns; none for a setting', () => {
    expect(objectIdsOf({ id: 'h1', input: {} }, { id: 'h1' })).toEqual(['h1']);
    expect(objectIdsOf({ ids: ['m1', 'm2'], enabled: false }, true)).toEqual(['m1', 'm2']);
    // setSlaTarget(customerId) returns the target, whose own id is not the customer's.
    expect(objectIdsOf({ customerId: 'c1', input: {} }, { id: 'target-7' })).toEqual(['c1']);
    expect(objectIdsOf({ input: { name: 'web' } }, { id: 'new-1' })).toEqual(['new-1']);
    expect(objectIdsOf({ input: { quorum: 2 } }, true)).toEqual([]);
    // Two …Id arguments: which one it changed is not said, so neither is named.
    expect(objectIdsOf({ serviceId: 's1', customerId: 'c1' }, true)).toEqual([]);
    // A create that returns its object beside a secret shown once: the object, never the secret.
    expect(objectIdsOf({ input: { name: 'office' } }, { token: 'vgv_x', vantage: { id: 'v1', name: 'office' } })).toEqual(['v1']);
    expect(objectIdsOf({ input: {} }, { a: { id: 'x' }, b: { id: 'y' } })).toEqual([]);
  });
});
