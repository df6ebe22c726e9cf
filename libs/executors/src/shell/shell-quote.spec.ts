import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellChain, shellCommand, shellQuote } from './shell-quote.js';

const hostile = ['; rm -rf /', "it's", '$(id)', '`id`', 'a b', '"x"', 'a\nb', '*', '~', '--', '', "'", "\\'", '$HOME', 'x|y&z>w<v'];

describe('shellQuote', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('10.0.0.1/24')).toBe('10.0.0.1/24');
    expect(shellQuote('eth0')).toBe('eth0');
    expect(shellQuote('; rm -rf /')).toBe(`'; rm -rf /'`);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('hands a real shell each hostile value back as one literal argument', () => {
    // printf prints each argument between delimiters: what the remote program would receive in argv.
    const line = shellCommand(['printf', '<%s>', ...hostile]);
    const seen = execFileSync('/bin/sh', ['-c', line]).toString();
    expect(seen).toBe(hostile.map((h) => `<${h}>`).join(''));
  });

  it('chains commands with our own && while every value stays one word', () => {
    const line = shellChain([['printf', '<%s>', 'a && b'], ['false'], ['printf', 'not reached']]);
    expect(line).toBe("printf '<%s>' 'a && b' && false && printf 'not reached'");
    expect(() => execFileSync('/bin/sh', ['-c', line], { stdio: 'pipe' })).toThrow();
    expect(execFileSync('/bin/sh', ['-c', shellChain([['printf', '%s', '; x'], ['printf', '%s', '|y']])]).toString()).toBe('; x|y');
  });

  it('refuses NUL bytes and empty commands', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => shellCommand([])).toThrow();
  });
});
