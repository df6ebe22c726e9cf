import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** A YAML file with positions: `origin(node)` is `file:line` of a node, for the import report. */
export class YamlSource {
  readonly value: unknown;
  readonly errors: { origin: string; why: string }[] = [];
  private readonly lines = new LineCounter();
  private readonly doc;

  readonly file: string;

  constructor(file: string, text = readFileSync(file, 'utf8')) {
    this.file = displayPath(file);
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false, merge: true });
    for (const e of this.doc.errors) this.errors.push({ origin: `${this.file}:${e.linePos?.[0]?.line ?? 1}`, why: e.message.split('\n')[0]! });
    this.value = this.doc.toJS({ maxAliasCount: 10_000 });
  }

  /** `file:line` of the value at a path of keys and indexes (`['endpoints', 3]`). */
  origin(path: readonly (string | number)[]): string {
    const node = this.doc.getIn(path, true) as Node | undefined;
    const offset = node && (isMap(node) || isSeq(node) || 'range' in node) ? node.range?.[0] : undefined;
    return `${this.file}:${offset === undefined ? 1 : this.lines.linePos(offset).line}`;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Go-style durations as Gatus and Prometheus write them (`30s`, `5m`, `1h30m`, `250ms`) in milliseconds. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') return undefined;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value.trim()) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]!]!, 0));
}

/** A path as the report shows it: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Every file below `dir` whose name ends in `ext`, depth first, in name order (a tool's config tree). */
export function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, ext));
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out;
}
