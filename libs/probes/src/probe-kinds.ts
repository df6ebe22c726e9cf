import { dnsProbeKind } from './dns.probe.js';
import { httpProbeKind } from './http.probe.js';
import { icmpProbeKind } from './icmp.probe.js';
import { imapProbeKind } from './imap.probe.js';
import { mailRoundTripProbeKind } from './mail-roundtrip.probe.js';
import { mysqlProbeKind } from './mysql.probe.js';
import { pop3ProbeKind } from './pop3.probe.js';
import type { ProbeKind } from './probe-kind.js';
import { smtpProbeKind } from './smtp.probe.js';
import { sshProbeKind } from './ssh.probe.js';
import { tcpProbeKind } from './tcp.probe.js';

/**
 * Every probe type, listed once. The monitor type enum (TypeScript, GraphQL with descriptions, PostgreSQL
 * `probe_type`, checked by test/probe-kinds.spec.ts), the save-time config validation, the secrets, `wait.until`'s
 * probe list and the watchdog's runners all come from here. Adding a probe: docs/extending.md.
 */
export const PROBE_KINDS = [
  httpProbeKind, tcpProbeKind, icmpProbeKind, dnsProbeKind, smtpProbeKind,
  imapProbeKind, pop3ProbeKind, mailRoundTripProbeKind, mysqlProbeKind, sshProbeKind,
] as const;

export type ProbeType = (typeof PROBE_KINDS)[number]['type'];

/** `ProbeType.http` is `'http'`: the names as values (GraphQL and TypeORM enums, class-validator's IsEnum). */
export const ProbeType = Object.freeze(Object.fromEntries(PROBE_KINDS.map((k) => [k.type, k.type]))) as { readonly [T in ProbeType]: T };

export const PROBE_TYPES: readonly ProbeType[] = PROBE_KINDS.map((k) => k.type);

const BY_TYPE = new Map<string, ProbeKind>(PROBE_KINDS.map((k) => [k.type, k as unknown as ProbeKind]));

/** The kind of a probe type, or undefined for a name this version does not know. */
export function probeKind(type: string): ProbeKind | undefined {
  return BY_TYPE.get(type);
}
