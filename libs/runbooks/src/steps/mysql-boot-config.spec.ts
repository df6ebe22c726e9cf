import { describe, expect, it } from 'vitest';
import { shellCommand } from '#lib/executors';
import { directConnectArgv } from '../mysql-detection.js';
import { arpAnnounceProblem, bootConfigProblem } from './mysql-boot-config.js';

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
    expect(line).toBe(`timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' vigia-connect '10.0.0.5; touch /tmp/pwned' 3306`);
  });
});

describe('arpAnnounceProblem: can a returning member draw the writer address back (sysctl output)', () => {
  const both = (all: number, iface: number) => out(`net.ipv4.conf.all.arp_announce = ${all}\nnet.ipv4.conf.eth0.arp_announce = ${iface}\n`);
  it.each([[2, 0], [0, 2], [2, 2]])('all=%i, eth0=%i: the larger counts, safe', (all, iface) => {
    expect(arpAnnounceProblem(both(all, iface), 'eth0')).toBeUndefined();
  });
  it.each([[0, 0], [1, 0], [0, 1]])('all=%i, eth0=%i: a problem naming the setting to change', (all, iface) => {
    expect(arpAnnounceProblem(both(all, iface), 'eth0')).toMatch(new RegExp(`^arp_announce is ${Math.max(all, iface)} on eth0 .*set net\\.ipv4\\.conf\\.all\\.arp_announce=2`));
  });
  it('a VLAN interface (sysctl prints its dot as a slash) and a failed sysctl', () => {
    expect(arpAnnounceProblem(out('net.ipv4.conf.all.arp_announce = 0\nnet.ipv4.conf.eth0/100.arp_announce = 2\n'), 'eth0.100')).toBeUndefined();
    expect(arpAnnounceProblem(out('', 255, 'sysctl: cannot stat /proc/sys/net/ipv4/conf/eth9/arp_announce: No such file or directory'), 'eth9')).toBe(
      'arp_announce not checked: sysctl failed (exit 255: sysctl: cannot stat /proc/sys/net/ipv4/conf/eth9/arp_announce: No such file or directory)',
    );
  });
});
