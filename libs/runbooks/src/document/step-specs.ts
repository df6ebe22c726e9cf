import { PROBE_TYPES } from '#lib/probes';
import { CIDR4, IFNAME, IPV4, parseDuration } from './definition.js';

/** How a step field is checked: at save (placeholders allowed) and again after substitution, at dry-run and run. */
export type FieldKind = 'string' | 'text' | 'host' | 'int' | 'bool' | 'duration' | 'strings' | 'ip' | 'cidr' | 'ifname' | 'object' | 'url';

export interface FieldSpec {
  kind: FieldKind;
  required?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
}

export interface StepSpec {
  fields: Record<string, FieldSpec>;
  /** Why this type cannot be used yet (it is known, so the error says so instead of "unknown step type"). */
  unavailable?: string;
}


/** The shortest `wait.until` interval. */
export const MIN_WAIT_INTERVAL_MS = 200;

export const STEP_SPECS: Record<string, StepSpec> = {
  'ssh.exec': {
    fields: {
      host: { kind: 'host', required: true },
      argv: { kind: 'strings', required: true, min: 1, max: 64 },
      timeout: { kind: 'duration' },
      expect_exit: { kind: 'int', min: 0, max: 255 },
      stdin: { kind: 'text' },
    },
  },
  'vip.move': {
    fields: {
      from: { kind: 'host' },
      to: { kind: 'host', required: true },
      address: { kind: 'cidr' },
      interface: { kind: 'ifname' },
      arp_count: { kind: 'int', min: 0, max: 10 },
    },
  },
  fence: {
    fields: {
      host: { kind: 'host', required: true },
      method: { kind: 'string', required: true, enum: ['vip', 'ssh', 'mysql'] },
      address: { kind: 'cidr' },
      interface: { kind: 'ifname' },
      argv: { kind: 'strings', max: 64 },
      timeout: { kind: 'duration' },
    },
  },
  'dns.update': {
    fields: {
      values: { kind: 'strings', required: true, min: 1, max: 16 },
      name: { kind: 'string' },
      type: { kind: 'string', enum: ['A', 'AAAA', 'CNAME'] },
      ttl: { kind: 'int', min: 1, max: 86_400 },
      verify: { kind: 'bool' },
    },
  },
  'pool.drain': { fields: { member: { kind: 'host', required: true } } },
  'pool.restore': { fields: { member: { kind: 'host', required: true }, weight: { kind: 'int', min: 0, max: 256 } } },
  'http.request': {
    fields: {
      method: { kind: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      url: { kind: 'url', required: true },
      headers: { kind: 'object' },
      body: { kind: 'text' },
      expect_status: { kind: 'int', min: 100, max: 599 },
      timeout: { kind: 'duration' },
    },
  },
  'wait.until': {
    fields: {
      // Every registered probe kind (a hand copy here once lacked mail_roundtrip).
      probe: { kind: 'string', enum: [...PROBE_TYPES] },
      monitor: { kind: 'string' },
      host: { kind: 'host' },
      config: { kind: 'object' },
      deadline: { kind: 'duration', required: true },
      // A floor: `interval: 0ms` made one run a request flood (370 requests in 2 s). 200 ms is what the built-in
      // VIP failover polls at, so the failover time target holds.
      interval: { kind: 'duration', min: MIN_WAIT_INTERVAL_MS },
      successes: { kind: 'int', min: 1, max: 20 },
    },
  },
  approval: { fields: { message: { kind: 'text', required: true } } },
  notify: { fields: { message: { kind: 'text', required: true } } },
  'mysql.promote': {
    fields: {
      from: { kind: 'host', required: true },
      to: { kind: 'host' },
      wait: { kind: 'duration' },
      switchover: { kind: 'bool' },
    },
  },
  'mysql.boot-config': { fields: { except: { kind: 'host' } } },
  'mysql.reattach': { fields: { host: { kind: 'host', required: true }, primary: { kind: 'host' }, timeout: { kind: 'duration' } } },
  'vm.restart': { fields: { on: { kind: 'host', required: true }, from: { kind: 'host' }, timeout: { kind: 'duration' } } },
  'vm.migrate': { fields: { from: { kind: 'host', required: true }, to: { kind: 'host', required: true }, live: { kind: 'bool' }, timeout: { kind: 'duration' } } },
};

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Checks one resolved (or literal) value; returns why it is wrong, or undefined. */
export function checkField(spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0 || value.length > 200) return 'must be a non-empty string of at most 200 characters';
      if (spec.enum && !spec.enum.includes(value)) return `must be one of ${spec.enum.join(', ')}`;
      return undefined;
    case 'text':
      return typeof value === 'string' && value.length <= 16_384 ? undefined : 'must be a string of at most 16 KiB';
    case 'host':
      if (value && typeof value === 'object' && 'id' in value) return undefined;
      return typeof value === 'string' && (HOST_NAME.test(value) || /^[0-9a-f-]{36}$/.test(value)) ? undefined : 'must name a host (its name or id)';
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'duration': {
      const ms = parseDuration(value);
      if (ms === undefined || ms > 3_600_000) return 'must be a duration such as 500ms, 10s or 2m (at most 1h)';
      return spec.min !== undefined && ms < spec.min ? `must be at least ${spec.min}ms` : undefined;
    }
    case 'strings':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && typeof v !== 'number')) return 'must be a list of strings';
      if (spec.min !== undefined && value.length < spec.min) return `needs at least ${spec.min} item(s)`;
      if (spec.max !== undefined && value.length > spec.max) return `may have at most ${spec.max} items`;
      return value.some((v) => String(v).length > 4096) ? 'items may be at most 4096 characters' : undefined;
    case 'ip':
      return typeof value === 'string' && IPV4.test(value) ? undefined : 'must be an IPv4 address';
    case 'cidr':
      return typeof value === 'string' && CIDR4.test(value) ? undefined : 'must be an IPv4 address with a prefix length, e.g. 10.0.0.100/24';
    case 'ifname':
      return typeof value === 'string' && IFNAME.test(value) ? undefined : 'must be a network interface name';
    case 'object':
      return value && typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be a mapping';
    case 'url':
      try {
        const url = new URL(String(value));
        return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must be an http(s) URL';
      } catch {
        return 'must be an http(s) URL';
      }
  }
}
