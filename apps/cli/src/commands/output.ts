import { styleText } from 'node:util';

type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim';

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function paint(colour: Colour, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return stream.isTTY && !process.env.NO_COLOR ? styleText(colour, text) : text;
}

export const say = (line = ''): void => void process.stdout.write(`${line}\n`);
export const warn = (line: string): void => void process.stderr.write(`${line}\n`);

/** A plain-text table: columns as wide as their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [paint('bold', line(headers)), ...rows.map(line)].join('\n');
}

/** A value as a plan shows it: strings quoted, structures as JSON. */
export function show(value: unknown): string {
  return value === null || value === undefined ? 'null' : JSON.stringify(value);
}
