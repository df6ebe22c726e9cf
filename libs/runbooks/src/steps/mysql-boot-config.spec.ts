import { describe, expect, it } from 'vitest';
import { shellCommand } from '#lib/executors';
import { directConnectArgv } from '../mysql-detection.js';
import { bootConfigProblem } from './mysql-boot-config.js';

const out = (stdout: string, exitCode = 0, stderr = '') => ({ exitCode, signal: null, stdout, stderr, truncated: false });

describe('bootConfigProblem: does mysqld boot read-only, from my_print_defaults --mysqld', () => {
  it.each([
    ['--read_only=ON', undefined],
    ['--read-only', undefined],
    ['--read_only=1', undefined],
    ['--read-only=true', undefined],
    ['--super_read_only=ON', undefined],
    ['--port=3306\n--read_only=ON\n--datadir=/var/lib/mysql', undefined],
  ])('%j: read-only at boot', (stdout, problem) => {
    expect(bootConfigProblem(out(stdout))).toBe(problem);
  });

  it.each([
    ['', 'nothing configured'],
    ['--read_only=OFF', 'switched off'],
    ['--read_only=ON\n--read_only=0', 'the last one wins'],
    ['--read_only=ON\n--skip-read-only', 'skip- prefix'],
    ['--read_only_compressed=ON', 'another option with the same beginning'],
  ])('%j (%s): would boot writable', (stdout) => {
    expect(bootConfigProblem(out(stdout))).toMatch(/^read_only is not ON in its MySQL configuration at boot/);
  });

  it('says it could not check, and why', () => {
    expect(bootConfigProblem(out('', 127, 'bash: my_print_defaults: command not found'))).toMatch(/^not checked: my_print_defaults is not installed/);
    expect(bootConfigProblem(out('', 2, 'error: Found option without preceding group in config file /etc/mysql/my.cnf at line 1'))).toBe(
      'not checked: my_print_defaults --mysqld failed (exit 2: error: Found option without preceding group in config file /etc/mysql/my.cnf at line 1)',
    );
  });
});

describe('directConnectArgv: the replica host\'s TCP attempt', () => {
  it('keeps address and port out of the script: a hostile value stays one quoted argument', () => {
    const line = shellCommand(directConnectArgv('10.0.0.5; touch /tmp/pwned', 3306));
    expect(line).toBe(`timeout 1.5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' vigia-connect '10.0.0.5; touch /tmp/pwned' 3306`);
  });
});
