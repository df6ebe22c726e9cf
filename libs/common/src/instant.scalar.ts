import { Temporal } from '@js-temporal/polyfill';
import { GraphQLScalarType, Kind } from 'graphql';

const REFUSAL = 'A DateTime needs its UTC offset or Z, e.g. 2026-12-05T09:00:00+01:00 or 2026-12-05T08:00:00Z';

function instantOf(value: unknown): Date {
  // Without an offset, `new Date()` reads "2026-12-05T09:00" in the server's zone and "2026-12-05" at UTC midnight:
  // an on-call override typed in Madrid's time would start an hour late, silently. Temporal's Instant parser demands
  // the offset, and refuses dates that do not exist (`new Date('2026-02-30T09:00Z')` is 2 March).
  // A plain error, not a GraphQLError: graphql-js then says where — `Variable "$i" got invalid value "…" at
  // "i.startsAt"; …` or `Expected value of type "DateTime!", found "…"; …` — before our words.
  if (typeof value !== 'string' || value.length > 64) throw new TypeError(REFUSAL);
  try {
    return new Date(Temporal.Instant.from(value).epochMilliseconds);
  } catch (error) {
    const why = error instanceof RangeError && /out of range/.test(error.message) ? 'A DateTime must be a real date and time' : REFUSAL;
    throw new TypeError(why, { cause: error });
  }
}

/**
 * The API's `DateTime` (replacing Nest's, which accepts anything `new Date()` does): every instant a client sends
 * names its offset. Output unchanged: `toISOString()`, UTC with `Z`.
 */
export const InstantScalar = new GraphQLScalarType<Date | null, string | null>({
  name: 'DateTime',
  description: 'An instant, as ISO 8601 with its UTC offset or Z (2026-12-05T09:00:00+01:00); sent back in UTC (…Z)',
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseValue: (value) => instantOf(value),
  parseLiteral: (ast) => instantOf(ast.kind === Kind.STRING ? ast.value : undefined),
});
