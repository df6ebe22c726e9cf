import { writeFile } from 'node:fs/promises';
import { fleetJsonSchema } from './document/fleet-schema.js';

/** `npm run fleet:schema`: writes docs/fleet.schema.json from the zod schema (a test checks it is current). */
await writeFile('docs/fleet.schema.json', `${JSON.stringify(fleetJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote docs/fleet.schema.json\n');
