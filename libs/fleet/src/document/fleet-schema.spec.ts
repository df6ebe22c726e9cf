import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { fleetJsonSchema } from './fleet-schema.js';

it('docs/fleet.schema.json is the schema generated from the zod definition (npm run fleet:schema)', async () => {
  const committed = JSON.parse(await readFile(new URL('../../../../docs/fleet.schema.json', import.meta.url), 'utf8'));
  expect(committed).toEqual(fleetJsonSchema());
  const monitors = (committed.properties.monitors.items.oneOf ?? committed.properties.monitors.items.anyOf) as unknown[];
  expect(monitors.length).toBeGreaterThanOrEqual(10);
});
