import { posix } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/** Elements whose text is a file QEMU opens (boot files). */
const FILE_TEXT = new Set(['kernel', 'initrd', 'loader', 'nvram', 'dtb']);
/** Attributes that name a file, folder or device on the hypervisor. */
const FILE_ATTRIBUTES = new Set(['@file', '@path', '@dir', '@dev']);

/** Whether `path` lies inside the folder `root` (after `..` and `.` are resolved). */
export function within(path: string, root: string): boolean {
  const base = posix.resolve('/', root);
  return posix.resolve(base, path).startsWith(`${base.replace(/\/$/, '')}/`);
}

/** Whether two folders overlap: the same folder, or one inside the other. */
export function overlaps(a: string, b: string): boolean {
  return posix.resolve('/', a).replace(/\/$/, '') === posix.resolve('/', b).replace(/\/$/, '') || within(a, b) || within(b, a);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['#text'] === 'string') return (value as Record<string, string>)['#text'];
  return undefined;
}

/** Every absolute path the document names (boot files' text, file/path/dir/dev attributes), anywhere in it. */
function pathsIn(node: unknown, key = '', out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) pathsIn(item, key, out);
    return out;
  }
  if (FILE_TEXT.has(key)) {
    const text = textOf(node)?.trim();
    if (text) out.push(text);
  }
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (FILE_ATTRIBUTES.has(k) && typeof v === 'string' && v.startsWith('/')) out.push(v);
      else pathsIn(v, k, out);
    }
  }
  return out;
}

/**
 * What is wrong with a libvirt domain XML for this VM resource, or undefined: it must define the resource's domain
 * (not another VM's name) and open nothing outside the resource's shared storage path (no other tenant's disk or
 * kernel, no host device, no log file elsewhere). Parsed by fast-xml-parser, entities not expanded.
 */
export function domainXmlProblem(xml: string, expected: { domain: string; storagePath: string }): string | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false, parseTagValue: false }).parse(xml, true) as Record<string, unknown>;
  } catch (error) {
    return `is not valid XML (${(error as Error).message.split('\n')[0]})`;
  }
  const domain = doc.domain as Record<string, unknown> | undefined;
  if (!domain || typeof domain !== 'object') return 'has no <domain> element';
  const name = textOf(domain.name)?.trim();
  if (name !== expected.domain) return `defines domain ${JSON.stringify(name ?? '')}, not ${expected.domain}`;
  const outside = pathsIn(domain).filter((p) => !within(p, expected.storagePath));
  if (outside.length) return `names ${outside.map((p) => JSON.stringify(p)).join(', ')}, outside the shared storage path ${expected.storagePath}`;
  return undefined;
}
