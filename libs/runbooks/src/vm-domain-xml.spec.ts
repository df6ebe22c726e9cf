import { describe, expect, it } from 'vitest';
import { domainXmlProblem, within } from './vm-domain-xml.js';

const xml = (body: string, name = 'shop') => `<domain type='qemu'><name>${name}</name><os><kernel>/srv/a/vmlinuz</kernel><initrd>/srv/a/initrd.gz</initrd></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>${body}<interface type='bridge'><source bridge='br0'/></interface></devices></domain>`;
const ok = { domain: 'shop', storagePath: '/srv/a' };

describe('domainXmlProblem', () => {
  it('accepts a domain whose every file is on the shared storage path', () => {
    expect(domainXmlProblem(xml(`<disk type='file'><source file='/srv/a/shop.qcow2'/><target dev='vda'/></disk><serial type='file'><source path='/srv/a/shop.log'/></serial>`), ok)).toBeUndefined();
  });

  it("refuses another tenant's disk, a host device, a log file elsewhere and a path climbing out with ..", () => {
    expect(domainXmlProblem(xml(`<disk type='file'><source file='/srv/b/their.qcow2'/></disk>`), ok)).toBe('names "/srv/b/their.qcow2", outside the shared storage path /srv/a');
    expect(domainXmlProblem(xml(`<disk type='block'><source dev='/dev/sdb'/></disk>`), ok)).toBe('names "/dev/sdb", outside the shared storage path /srv/a');
    expect(domainXmlProblem(xml(`<serial type='file'><source path='/etc/passwd'/></serial>`), ok)).toBe('names "/etc/passwd", outside the shared storage path /srv/a');
    expect(domainXmlProblem(xml(`<disk type='file'><source file='/srv/a/../b/x.qcow2'/></disk>`), ok)).toMatch(/outside the shared storage path/);
    expect(domainXmlProblem(xml('').replace('/srv/a/vmlinuz', '/srv/b/vmlinuz'), ok)).toBe('names "/srv/b/vmlinuz", outside the shared storage path /srv/a');
  });

  it("refuses a document defining another VM's name, or no domain, or not XML", () => {
    expect(domainXmlProblem(xml('', 'their-vm'), ok)).toBe('defines domain "their-vm", not shop');
    expect(domainXmlProblem('<network><name>shop</name></network>', ok)).toBe('has no <domain> element');
    expect(domainXmlProblem('<domain><name>shop</name>', ok)).toMatch(/^is not valid XML/);
  });

  it('within: inside the folder, not the folder itself, not a sibling with the same prefix', () => {
    expect([within('/srv/a/x', '/srv/a'), within('/srv/a', '/srv/a'), within('/srv/ab/x', '/srv/a'), within('/srv/a/x', '/srv/a/')]).toEqual([true, false, false, true]);
  });
});
