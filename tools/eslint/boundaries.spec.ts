import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the rule is plain JavaScript (ESLint loads it without a build step)
import { boundaries } from './boundaries.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [{ files: ['**/*.ts'], plugins: { vigia: { rules: { boundaries } } }, rules: { 'vigia/boundaries': 'error' } }],
    { filename: `${ROOT}${file}` },
  );
  return messages.map((m) => m.message);
}

describe('the import-boundary lint rule', () => {
  it.each([
    ['libs/inventory/src/hosts.service.ts', "import { x } from '#lib/tenancy';"],
    ['libs/inventory/src/hosts.service.ts', "import { x } from './search.js';"],
    ['libs/inventory/src/graphql/r.ts', "import { x } from '../hosts.service.js';"],
    ['apps/api/src/main.ts', "import { x } from '#lib/inventory'; import { y } from './api-app.module.js';"],
    ['libs/reports/src/a.ts', "import { x } from '#lib/incidents'; import { y } from '#lib/detection';"],
  ])('allows %s: %s', (file, code) => {
    expect(lint(file, code)).toEqual([]);
  });

  it.each([
    ['libs/inventory/src/a.ts', "import { x } from '../../tenancy/src/users.service.js';", "import library 'tenancy' as '#lib/tenancy'"],
    ['libs/inventory/src/a.ts', "import { x } from '#lib/tenancy/users.service';", "import '#lib/tenancy' only"],
    ['libs/inventory/src/a.ts', "import { x } from '#lib/inventory';", 'a library does not import itself'],
    ['apps/api/src/a.ts', "import { x } from '../../watchdog/src/main.js';", 'apps never import each other'],
    ['apps/api/src/a.ts', "export * from '../../../libs/common/src/ids.js';", "import library 'common' as '#lib/common'"],
    ['libs/common/src/a.ts', "const m = await import('../../../apps/cli/src/main.js');", "reaches outside libs/common"],
    // Direction: the flow never goes back up.
    ['libs/incidents/src/a.ts', "import { x } from '#lib/alerts';", "library 'incidents' may not depend on 'alerts'"],
    ['libs/alerts/src/a.ts', "import { x } from '#lib/runbooks';", "library 'alerts' may not depend on 'runbooks'"],
    ['libs/detection/src/a.ts', "import { x } from '#lib/reports';", "library 'detection' may not depend on 'reports'"],
    ['libs/inventory/src/a.ts', "import { x } from '#lib/incidents';", "library 'inventory' may not depend on 'incidents'"],
  ])('refuses %s: %s', (file, code, message) => {
    const found = lint(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });
});
