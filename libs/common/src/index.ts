export { ERROR_CODES, type ErrorCode, VigiaException } from './vigia.exception.js';
export { formatGraphqlError } from './graphql-error.formatter.js';
export { VigiaValidationPipe, firstValidationFailure } from './validation.pipe.js';
export { ConnectionType, type Connection, PageArgs, PageInfo, paginate, paginateBy, MAX_PAGE_SIZE } from './pagination.js';
export { assertUuid, isUuid } from './ids.js';
export { translateDatabaseError, withDatabaseErrors } from './database-errors.js';
export { queryDepth, queryLimitsPlugin, type QueryLimits } from './query-limits.plugin.js';
export { CLOCK, type Clock, systemClock } from './clock.js';
export { ClockModule } from './clock.module.js';
