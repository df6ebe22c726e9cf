import { compileUserPattern } from '#lib/common';
import type { Expr, Stmt } from './icinga-dsl.js';

/** An expression the importer cannot decide without running Icinga (a function it does not know, a global). */
export class Unresolvable extends Error {}

export type Scope = Record<string, unknown>;
export type Attrs = Record<string, unknown>;

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function evaluate(e: Expr, scope: Scope): unknown {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'arr':
      return e.items.map((x) => evaluate(x, scope));
    case 'dict':
      return applyStatements({}, e.body, scope);
    case 'not':
      return !truthy(evaluate(e.e, scope));
    case 'neg':
      return -Number(evaluate(e.e, scope));
    case 'path':
      return readPath(e.parts, scope);
    case 'call':
      return call(e.fn, e.args.map((a) => evaluate(a, scope)));
    case 'bin':
      return binary(e.op, e.l, e.r, scope);
  }
}

function readPath(parts: (string | Expr)[], scope: Scope): unknown {
  const [head, ...rest] = parts;
  if (typeof head !== 'string' || !(head in scope)) throw new Unresolvable(`${String(head)} is not known when importing`);
  let value: unknown = scope[head];
  for (const p of rest) {
    const key = typeof p === 'string' ? p : String(evaluate(p, scope));
    value = isDict(value) ? value[key] : undefined;
  }
  return value;
}

function binary(op: string, lx: Expr, rx: Expr, scope: Scope): unknown {
  if (op === '&&') return truthy(evaluate(lx, scope)) && truthy(evaluate(rx, scope));
  if (op === '||') return truthy(evaluate(lx, scope)) || truthy(evaluate(rx, scope));
  const l = evaluate(lx, scope);
  const r = evaluate(rx, scope);
  switch (op) {
    case '==':
      return JSON.stringify(l) === JSON.stringify(r);
    case '!=':
      return JSON.stringify(l) !== JSON.stringify(r);
    case 'in':
      return Array.isArray(r) ? r.some((x) => x === l) : false;
    case '!in':
      return Array.isArray(r) ? !r.some((x) => x === l) : true;
    case '<':
      return Number(l) < Number(r);
    case '>':
      return Number(l) > Number(r);
    case '<=':
      return Number(l) <= Number(r);
    case '>=':
      return Number(l) >= Number(r);
    case '+':
      if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      if (isDict(l) && isDict(r)) return { ...l, ...r };
      return typeof l === 'number' && typeof r === 'number' ? l + r : `${String(l ?? '')}${String(r ?? '')}`;
    case '-':
      return Number(l) - Number(r);
    case '*':
      return Number(l) * Number(r);
    case '/':
      return Number(l) / Number(r);
    default:
      throw new Unresolvable(`operator ${op} is not evaluated when importing`);
  }
}

/** The functions `assign where` rules use; anything else cannot be decided statically. */
function call(fn: string, args: unknown[]): unknown {
  switch (fn) {
    case 'match':
      return matchAny(String(args[0]), args[1]);
    case 'regex':
      return regexAny(String(args[0]), args[1]);
    case 'len':
      return Array.isArray(args[0]) ? args[0].length : isDict(args[0]) ? Object.keys(args[0]).length : String(args[0] ?? '').length;
    case 'typeof':
      return Array.isArray(args[0]) ? 'Array' : isDict(args[0]) ? 'Dictionary' : typeof args[0] === 'string' ? 'String' : typeof args[0] === 'number' ? 'Number' : 'Object';
    default:
      throw new Unresolvable(`function ${fn}() is not evaluated when importing`);
  }
}

/** Icinga's `match()`: shell wildcards `*` and `?`, over a value or any element of an array (linear-time engine). */
function matchAny(pattern: string, value: unknown): boolean {
  const source = `^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`;
  const re = compileUserPattern(source);
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => typeof v === 'string' && re.test(v));
}

/** Icinga's `regex()`, run on the linear-time engine: a configuration file is input like any tenant's pattern. */
function regexAny(pattern: string, value: unknown): boolean {
  const re = compileUserPattern(pattern);
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => typeof v === 'string' && re.test(v));
}

export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Runs a block's assignments onto attributes: `vars.x = …`, `vars += {…}`, `groups += [ … ]`. */
export function applyStatements(attrs: Attrs, body: readonly Stmt[], scope: Scope): Attrs {
  for (const s of body) {
    if (s.k !== 'set') continue;
    const keys = s.target.map((p) => (typeof p === 'string' ? p : String(evaluate(p, { ...scope, ...attrs }))));
    const value = evaluate(s.value, { ...scope, ...attrs });
    let holder = attrs;
    for (const key of keys.slice(0, -1)) {
      if (!isDict(holder[key])) holder[key] = {};
      holder = holder[key] as Attrs;
    }
    const last = keys[keys.length - 1]!;
    const old = holder[last];
    if (s.op === '=') holder[last] = clone(value);
    else if (s.op === '+=') holder[last] = Array.isArray(old) ? [...old, ...(Array.isArray(value) ? value : [value])] : isDict(old) && isDict(value) ? { ...old, ...clone(value) as Attrs } : isDict(value) ? clone(value) : Array.isArray(value) ? [...value] : value;
    else holder[last] = Array.isArray(old) && Array.isArray(value) ? old.filter((x) => !value.includes(x)) : old;
  }
  return attrs;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
