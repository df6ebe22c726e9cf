/**
 * The small JSON path health endpoints need: `$.status`, `checks.db.status`, `items[0].state`. No filters or
 * wildcards: a monitor asserts one value.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let current: unknown = document;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
