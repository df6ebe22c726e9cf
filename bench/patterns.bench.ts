/**
 * User-supplied patterns: RE2 (what Vigia runs) against V8's backtracking engine (what it ran before issue 18), on
 * the pattern of the report, `^(a+)+$`, against 'a' × n followed by '!'. Prints milliseconds per match.
 * Run: npm run build && node dist/bench/patterns.bench.js
 */
import { compileUserPattern } from '#lib/common';

const EVIL = '^(a+)+$';

function time(run: () => void, repeat: number): number {
  const started = performance.now();
  for (let i = 0; i < repeat; i++) run();
  return (performance.now() - started) / repeat;
}

const re2 = compileUserPattern(EVIL);
for (const n of [30, 1_000, 100_000, 1024 * 1024]) {
  const subject = `${'a'.repeat(n)}!`;
  console.log(`RE2  ^(a+)+$ on ${n.toLocaleString('en')} characters: ${time(() => re2.test(subject), 5).toFixed(3)} ms`);
}
// V8 doubles its work with every character; 20 to 26 show the curve without freezing the machine for minutes.
const v8 = new RegExp(EVIL);
for (const n of [20, 22, 24, 26]) {
  const subject = `${'a'.repeat(n)}!`;
  console.log(`V8   ^(a+)+$ on ${n} characters: ${time(() => v8.test(subject), 1).toFixed(1)} ms`);
}
