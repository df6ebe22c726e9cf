/**
 * The part of the Icinga 2 configuration language (icinga.com/docs/icinga-2/latest/doc/17-language-reference) that
 * describes a fleet: `object`, `template` and `apply` blocks, assignments (`=`, `+=`, `-=`) to attribute paths
 * (`vars.http_vhosts["x"].http_uri`), `import`, `assign where` / `ignore where`, `apply … for (k => v in expr)`,
 * literals (strings, numbers, durations, booleans, arrays, dictionaries) and the operators a rule uses. Anything
 * else (`if`, `function`, `const`, `include`) is kept as "unsupported" with its line, never guessed at.
 */
export type Expr =
  | { k: 'lit'; v: unknown }
  | { k: 'path'; parts: (string | Expr)[] }
  | { k: 'arr'; items: Expr[] }
  | { k: 'dict'; body: Stmt[] }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'call'; fn: string; args: Expr[] };

export type Stmt =
  | { k: 'set'; target: (string | Expr)[]; op: '=' | '+=' | '-='; value: Expr; line: number }
  | { k: 'import'; name: string; line: number }
  | { k: 'assign' | 'ignore'; expr: Expr; line: number }
  | { k: 'unsupported'; what: string; line: number };

export interface Block {
  kind: 'object' | 'template' | 'apply';
  type: string;
  name: Expr;
  /** `apply Service for (key => value in expr)`. */
  forLoop?: { key: string; value?: string; expr: Expr };
  body: Stmt[];
  line: number;
}

export interface ParsedConfig {
  blocks: Block[];
  problems: { line: number; why: string }[];
}

interface Token {
  t: 'str' | 'num' | 'id' | 'op';
  v: string;
  line: number;
  /** Seconds for a duration literal (`5m`). */
  n?: number;
}

const OPS = ['=>', '+=', '-=', '==', '!=', '&&', '||', '<=', '>=', '{', '}', '[', ']', '(', ')', ',', ';', '.', '=', '!', '<', '>', '+', '-', '*', '/', '%'];
const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) while (i < text.length && text[i] !== '\n') i++;
    else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else if (c === '{' && text.startsWith('{{{', i)) {
      const end = text.indexOf('}}}', i + 3);
      const stop = end < 0 ? text.length : end;
      tokens.push({ t: 'str', v: text.slice(i + 3, stop), line });
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop + 3;
    } else if (c === '"') {
      let v = '';
      const start = line;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const e = text[++i]!;
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        } else {
          if (text[i] === '\n') line++;
          v += text[i];
        }
      }
      i++;
      tokens.push({ t: 'str', v, line: start });
    } else if (/\d/.test(c)) {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?(?![A-Za-z_])/.exec(text.slice(i, i + 40));
      if (!m) {
        tokens.push({ t: 'op', v: c, line });
        i++;
        continue;
      }
      tokens.push({ t: 'num', v: m[0], line, n: Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w]*/.exec(text.slice(i, i + 200))!;
      tokens.push({ t: 'id', v: m[0], line });
      i += m[0].length;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      tokens.push({ t: 'op', v: op ?? c, line });
      i += (op ?? c).length;
    }
  }
  return tokens;
}

class ParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export function parseConfig(text: string): ParsedConfig {
  const p = new Parser(tokenize(text));
  return p.config();
}

class Parser {
  private i = 0;
  private readonly problems: { line: number; why: string }[] = [];

  constructor(private readonly tokens: Token[]) {}

  config(): ParsedConfig {
    const blocks: Block[] = [];
    while (this.peek()) {
      const start = this.i;
      try {
        const t = this.peek()!;
        if (t.t === 'id' && (t.v === 'object' || t.v === 'template' || t.v === 'apply')) blocks.push(this.block());
        else if (t.t === 'op' && t.v === ';') this.i++;
        else {
          this.problems.push({ line: t.line, why: `"${t.v}" at the top level is not read (only object, template and apply blocks are)` });
          this.skipStatement();
        }
      } catch (error) {
        const e = error as ParseError;
        this.problems.push({ line: e.line ?? this.tokens[start]?.line ?? 0, why: e.message });
        this.i = Math.max(this.i, start + 1);
        this.skipToTopLevel();
      }
    }
    return { blocks, problems: this.problems };
  }

  private block(): Block {
    const kind = this.next().v as Block['kind'];
    const typeToken = this.next();
    if (typeToken.t !== 'id') throw new ParseError(typeToken.line, `expected a type after "${kind}", found "${typeToken.v}"`);
    let name: Expr = { k: 'lit', v: '' };
    if (!this.isOp('{') && !this.isId('for') && !this.isId('to')) name = this.expr();
    let forLoop: Block['forLoop'];
    if (this.isId('to')) {
      this.i++;
      this.next();
    }
    if (this.isId('ignore_on_error')) this.i++;
    if (this.isId('for')) {
      this.i++;
      this.expectOp('(');
      const key = this.next().v;
      let value: string | undefined;
      if (this.isOp('=>')) {
        this.i++;
        value = this.next().v;
      }
      if (!this.isId('in')) throw new ParseError(this.line(), 'expected "in" in a for loop');
      this.i++;
      const expr = this.expr();
      this.expectOp(')');
      forLoop = { key, value, expr };
    }
    const line = typeToken.line;
    return { kind, type: typeToken.v, name, forLoop, body: this.body(), line };
  }

  private body(): Stmt[] {
    this.expectOp('{');
    const stmts: Stmt[] = [];
    while (!this.isOp('}')) {
      if (!this.peek()) throw new ParseError(this.line(), 'a block is never closed with "}"');
      if (this.isOp(';')) {
        this.i++;
        continue;
      }
      stmts.push(this.statement());
    }
    this.i++;
    return stmts;
  }

  private statement(): Stmt {
    const t = this.peek()!;
    if (t.t === 'id' && t.v === 'import') {
      this.i++;
      const name = this.next();
      return { k: 'import', name: name.v, line: t.line };
    }
    if (t.t === 'id' && (t.v === 'assign' || t.v === 'ignore') && this.tokens[this.i + 1]?.v === 'where') {
      this.i += 2;
      return { k: t.v, expr: this.expr(), line: t.line };
    }
    if (t.t === 'id' && ['if', 'for', 'while', 'var', 'function', 'return', 'locals', 'globals', 'const', 'use'].includes(t.v)) {
      this.skipStatement();
      return { k: 'unsupported', what: t.v, line: t.line };
    }
    const target = this.pathParts();
    const op = this.next();
    if (op.v !== '=' && op.v !== '+=' && op.v !== '-=') throw new ParseError(op.line, `expected "=", "+=" or "-=" after ${target.filter((p) => typeof p === 'string').join('.')}, found "${op.v}"`);
    return { k: 'set', target, op: op.v, value: this.expr(), line: t.line };
  }

  private pathParts(): (string | Expr)[] {
    const first = this.next();
    const parts: (string | Expr)[] = [first.t === 'str' ? first.v : first.v];
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        parts.push(this.next().v);
      } else if (this.isOp('[')) {
        this.i++;
        parts.push(this.expr());
        this.expectOp(']');
      } else return parts;
    }
  }

  // Precedence, lowest first: ||, &&, in / !in, comparisons, + -, * / %, unary.
  expr(): Expr {
    return this.binary(0);
  }

  private static readonly LEVELS = [['||'], ['&&'], ['in', '!in'], ['==', '!=', '<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const op = this.binaryOp(Parser.LEVELS[level]!);
      if (!op) return l;
      l = { k: 'bin', op, l, r: this.binary(level + 1) };
    }
  }

  private binaryOp(ops: string[]): string | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (ops.includes('!in') && t.v === '!' && this.tokens[this.i + 1]?.v === 'in') {
      this.i += 2;
      return '!in';
    }
    if ((t.t === 'op' || (t.t === 'id' && t.v === 'in')) && ops.includes(t.v)) {
      this.i++;
      return t.v;
    }
    return undefined;
  }

  private unary(): Expr {
    if (this.isOp('!')) {
      this.i++;
      return { k: 'not', e: this.unary() };
    }
    if (this.isOp('-')) {
      this.i++;
      return { k: 'neg', e: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'num') return { k: 'lit', v: t.n };
    if (t.t === 'op' && t.v === '(') {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.t === 'op' && t.v === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.expr());
        if (this.isOp(',')) this.i++;
        else if (!this.isOp(']')) throw new ParseError(this.line(), 'expected "," or "]" in an array');
      }
      this.i++;
      return { k: 'arr', items };
    }
    if (t.t === 'op' && t.v === '{') {
      this.i--;
      return { k: 'dict', body: this.body() };
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' };
      if (t.v === 'null') return { k: 'lit', v: null };
      if (this.isOp('(')) {
        this.i++;
        const args: Expr[] = [];
        while (!this.isOp(')')) {
          args.push(this.expr());
          if (this.isOp(',')) this.i++;
          else if (!this.isOp(')')) throw new ParseError(this.line(), `expected "," or ")" in a call to ${t.v}`);
        }
        this.i++;
        return { k: 'call', fn: t.v, args };
      }
      this.i--;
      return { k: 'path', parts: this.pathParts() };
    }
    throw new ParseError(t.line, `unexpected "${t.v}"`);
  }

  private skipStatement(): void {
    let depth = 0;
    while (this.peek()) {
      const t = this.next();
      if (t.v === '{' || t.v === '(' || t.v === '[') depth++;
      else if (t.v === '}' || t.v === ')' || t.v === ']') {
        depth--;
        if (depth <= 0 && t.v === '}') return;
      } else if (depth === 0 && (t.v === ';' || this.peek()?.line !== t.line)) return;
    }
  }

  private skipToTopLevel(): void {
    while (this.peek() && !(this.peek()!.t === 'id' && ['object', 'template', 'apply'].includes(this.peek()!.v))) this.i++;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new ParseError(this.tokens[this.tokens.length - 1]?.line ?? 1, 'the file ends in the middle of a definition');
    return t;
  }

  private line(): number {
    return this.peek()?.line ?? this.tokens[this.tokens.length - 1]?.line ?? 1;
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.v === v;
  }

  private isId(v: string): boolean {
    const t = this.peek();
    return t?.t === 'id' && t.v === v;
  }

  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw new ParseError(t.line, `expected "${v}", found "${t.v}"`);
  }
}
