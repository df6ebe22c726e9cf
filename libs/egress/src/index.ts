export { EgressPolicy, DEFAULT_EGRESS_RULES, type EgressContext, type EgressRules, type EgressVerdict } from './egress-policy.js';
export { EgressExceptions, type EgressEndpoint } from './egress-exceptions.js';
export { EgressGuard, pinnedLookup, systemResolver, urlPort, type EgressResolver, type ResolvedAddress } from './egress-guard.js';
export { EgressRefusedError, REFUSAL_PREFIX } from './egress-refused.error.js';
export { egressFetch, type EgressRequest, type EgressResponse } from './egress-fetch.js';
export { excerpt, storable, MAX_EXCERPT_BYTES } from './excerpt.js';
export { EgressModule } from './egress.module.js';
