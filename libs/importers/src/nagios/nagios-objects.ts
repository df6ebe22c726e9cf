/**
 * Nagios / Naemon object configuration (`define host { … }`), as the documentation describes it: one directive per
 * line (`name value`), `#` and `;` comments (`\;` is a literal semicolon), templates (`name`, `register 0`) inherited
 * with `use a,b` (the first template listed wins), and `+value` adding to what a template gives.
 */
export interface NagiosObject {
  readonly type: string;
  readonly directives: Map<string, string>;
  /** `file:line` of the `define`. */
  readonly origin: string;
}

export interface ParseProblem {
  readonly origin: string;
  readonly why: string;
}

export interface ParsedObjects {
  readonly objects: NagiosObject[];
  readonly problems: ParseProblem[];
}

/** Parses the text of one object file. */
export function parseObjectFile(file: string, text: string): ParsedObjects {
  const objects: NagiosObject[] = [];
  const problems: ParseProblem[] = [];
  let current: { type: string; directives: Map<string, string>; origin: string } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const origin = `${file}:${i + 1}`;
    let line = stripComment(lines[i]!).trim();
    // A trailing backslash continues the directive on the next line.
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}${stripComment(lines[++i]!).trim()}`;
    if (!line) continue;
    if (!current) {
      const define = /^define\s+([a-z_]+)\s*\{\s*(.*)$/i.exec(line);
      if (!define) {
        problems.push({ origin, why: `expected "define <type> {", found "${line.slice(0, 60)}"` });
        continue;
      }
      current = { type: define[1]!.toLowerCase(), directives: new Map(), origin };
      line = define[2]!.trim();
      if (!line) continue;
    }
    const close = line.indexOf('}');
    const body = close >= 0 ? line.slice(0, close).trim() : line;
    if (body) {
      const directive = /^(\S+)\s*(.*)$/.exec(body)!;
      current.directives.set(directive[1]!.toLowerCase(), directive[2]!.trim());
    }
    if (close >= 0) {
      objects.push(current);
      current = undefined;
    }
  }
  if (current) problems.push({ origin: current.origin, why: `"define ${current.type}" is never closed with "}"` });
  return { objects, problems };
}

function stripComment(line: string): string {
  if (/^\s*[#;]/.test(line)) return '';
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
    } else if (line[i] === ';') break;
    else out += line[i];
  }
  return out;
}

/** Objects with their templates applied; templates themselves (`register 0`) are not returned. */
export function resolveTemplates(objects: readonly NagiosObject[], problems: ParseProblem[]): NagiosObject[] {
  const templates = new Map<string, NagiosObject>();
  for (const o of objects) {
    const name = o.directives.get('name');
    if (name) templates.set(`${o.type}/${name}`, o);
  }
  const resolved = new Map<NagiosObject, Map<string, string>>();
  const resolve = (o: NagiosObject, seen: Set<NagiosObject>): Map<string, string> => {
    const done = resolved.get(o);
    if (done) return done;
    if (seen.has(o)) {
      problems.push({ origin: o.origin, why: `templates used in a cycle (${o.directives.get('name') ?? o.type})` });
      return new Map(o.directives);
    }
    seen.add(o);
    const merged = new Map<string, string>();
    // Later templates first, so that the first one listed wins (Nagios' rule).
    for (const use of splitList(o.directives.get('use') ?? '').reverse()) {
      const template = templates.get(`${o.type}/${use}`);
      if (!template) {
        problems.push({ origin: o.origin, why: `uses template "${use}", which no ${o.type} defines` });
        continue;
      }
      for (const [k, v] of resolve(template, seen)) merged.set(k, v);
    }
    for (const [k, v] of o.directives) {
      if (k === 'name' || k === 'register' || k === 'use') continue;
      const inherited = merged.get(k);
      merged.set(k, v.startsWith('+') ? [inherited, v.slice(1)].filter(Boolean).join(',') : v);
    }
    resolved.set(o, merged);
    return merged;
  };
  return objects
    .filter((o) => o.directives.get('register') !== '0')
    .map((o) => ({ type: o.type, origin: o.origin, directives: resolve(o, new Set()) }));
}

/** A comma-separated directive value as a list. */
export function splitList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}
