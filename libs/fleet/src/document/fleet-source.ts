import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { FleetProblem } from './fleet-document.js';

/** A position in the file, 1-based. */
export interface FleetPosition {
  line: number;
  column: number;
}

/** A problem as printed: `fleet.yaml:12:7: monitor web-1-http, config.url: must be an http:// or https:// URL`. */
export interface LocatedProblem extends FleetPosition {
  file: string;
  /** Where in the document (`['monitors', 12, 'config', 'url']`): a client holding the file finds the line again. */
  path: (string | number)[];
  /** The field in words: `monitor web-1-http, config.url`. */
  field: string;
  message: string;
}

export function formatProblem(p: LocatedProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/**
 * The parsed YAML with its positions: any path into the document (as the schema and the server name it) is found
 * back in the text. A key that came from a merge (`<<: *anchor`) or from `defaults:` has no place of its own: the
 * nearest enclosing node is named instead.
 */
export class FleetSource {
  readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, merge: true, prettyErrors: false, uniqueKeys: true });
  }

  /** YAML syntax errors (and duplicate keys), each with its position. */
  syntaxProblems(): LocatedProblem[] {
    return this.doc.errors.map((e) => ({ file: this.file, path: [], ...this.at(e.pos[0]), field: '', message: `YAML: ${e.message.split('\n')[0]}` }));
  }

  /** The plain data, merge keys and aliases resolved (bounded: a fleet may alias a template per monitor). */
  toJS(): unknown {
    this.data ??= { value: this.doc.toJS({ maxAliasCount: 100_000 }) };
    return this.data.value;
  }

  private data?: { value: unknown };

  at(offset: number): FleetPosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Where `path` is: the node itself, or with `key` the key of a mapping at `path` (an unknown key). */
  locate(path: (string | number)[], key?: string): FleetPosition {
    // The document holds `tenant:` (a mapping in the file) as a list of one: its index is not in the file.
    if (path[0] === 'tenant' && path[1] === 0) path = ['tenant', ...path.slice(2)];
    let node: unknown = this.doc.contents;
    let found = node as Node | null;
    for (const step of path) {
      const next = (node as { get?: (k: unknown, keep: boolean) => unknown } | null)?.get?.(step, true);
      if (next === undefined || next === null) break;
      node = next;
      found = next as Node;
    }
    if (key !== undefined && isMap(found)) {
      const pair = found.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) return this.at(keyNode.range[0]);
    }
    return this.at(found?.range?.[0] ?? 0);
  }

  /** A problem the server placed by path only, placed in this file. */
  relocate(problem: LocatedProblem): LocatedProblem {
    if (problem.line > 0) return { ...problem, file: this.file };
    const last = problem.path.at(-1);
    const inFile = problem.path[0] === 'tenant' && problem.path[1] === 0 ? ['tenant', ...problem.path.slice(2)] : problem.path;
    const [path, key] = typeof last === 'string' && this.doc.getIn(inFile, true) === undefined ? [problem.path.slice(0, -1), last] : [problem.path, undefined];
    return { ...problem, file: this.file, ...this.locate(path, key) };
  }

  place(problem: FleetProblem, field: string, key?: string): LocatedProblem {
    return { file: this.file, path: key === undefined ? problem.path : [...problem.path, key], ...this.locate(problem.path, key), field, message: problem.message };
  }
}

/**
 * A document that came as JSON data (the CLI sends what it read): no text to point into, so problems carry their
 * path and line 0; the client places them in its file (`FleetSource.relocate`).
 */
export class DataSource {
  constructor(readonly file: string) {}

  place(problem: FleetProblem, field: string, key?: string): LocatedProblem {
    return { file: this.file, path: key === undefined ? problem.path : [...problem.path, key], line: 0, column: 0, field, message: problem.message };
  }
}

export type ProblemPlacer = Pick<FleetSource, 'place' | 'file'>;
