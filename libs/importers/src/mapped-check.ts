import { isIP } from 'node:net';
import type { ProbeType } from '#lib/probes';

/** A check of another tool, in Vigia's words: a probe type and its settings, or why it has none. */
export type MappedCheck =
  | {
      readonly type: ProbeType;
      readonly config: Record<string, unknown>;
      /** Credentials the source had, to be given again by reference. */
      readonly secretsNeeded?: string[];
      readonly timeoutMs?: number;
      /** Parts of the source's check that Vigia's probe does not do: reported, never dropped in silence. */
      readonly notes?: string[];
    }
  | { readonly why: string };

export function isMapped(check: MappedCheck): check is Extract<MappedCheck, { type: ProbeType }> {
  return 'type' in check;
}

/** `5`, `5.5`, `5s` as milliseconds, or undefined. */
export function secondsToMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

export function intOf(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number.parseInt(value, 10);
  return Number.isInteger(n) ? n : undefined;
}

/** Whether a value is an IP address literal (IPv4 or IPv6), as Node's own parser says. */
export function isIpLiteral(value: string): boolean {
  return isIP(value) !== 0;
}

/** A target's host and port: a URL (`https://h:8443/x`), `host:port`, `[v6]:port`, or a bare address (IPv6 too). */
export function hostPortOf(target: string): { host: string; port?: number } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : undefined };
    } catch {
      // not a URL after all: read as host:port below
    }
  }
  if (isIP(target) === 6) return { host: target };
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(target);
  return { host: m?.[1] ?? target, port: m?.[2] ? Number(m[2]) : undefined };
}

/** Why a host named by DNS only has no address: one wording for every importer. */
export function dnsNameWhy(name: string): string {
  return `${name} is a DNS name: a Vigia host needs its IP addresses (add them in the file; the importer does not resolve names)`;
}

/**
 * HTTP status codes out of Nagios/Gatus/Kuma expectations: `200`, `HTTP/1.1 200 OK`, `200-299`, `2xx`. `codes` undefined
 * means the probe's default (2xx); `note` says what could not be kept (a range wider than the probe's 20 codes).
 */
export function statusCodes(values: readonly string[]): { codes?: number[]; note?: string } {
  const codes = new Set<number>();
  for (const raw of values) {
    const value = raw.trim();
    const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(value);
    const wild = /^([1-5])xx$/i.exec(value);
    const single = /(?:^|\s|\/)(\d{3})(?:\s|$)/.exec(value);
    const from = range ? Number(range[1]) : wild ? Number(wild[1]) * 100 : undefined;
    const to = range ? Number(range[2]) : wild ? Number(wild[1]) * 100 + 99 : undefined;
    if (from !== undefined && to !== undefined) {
      if (from === 200 && to === 299 && values.length === 1) return {};
      if (to - from >= 20) return { note: `accepted statuses ${values.join(', ')}: a Vigia monitor lists at most 20 codes, so it accepts 2xx` };
      for (let c = from; c <= to; c++) codes.add(c);
    } else if (single) codes.add(Number(single[1]));
  }
  const list = [...codes].filter((c) => c >= 100 && c <= 599);
  if (list.length > 20) return { note: `accepted statuses ${values.join(', ')}: a Vigia monitor lists at most 20 codes, so it accepts 2xx` };
  return list.length ? { codes: list } : {};
}
