/** The validated, normalised form of a runbook document: what runs execute. */
export type ParamType = 'string' | 'int' | 'bool' | 'host' | 'ip' | 'cidr' | 'duration';

export interface ParamSpec {
  type: ParamType;
  required: boolean;
  default?: unknown;
  description?: string;
  enum?: string[];
}

export type OnFailure = 'abort' | 'continue' | { compensate: StepDef[] };

export interface StepDef {
  name: string;
  type: string;
  with: Record<string, unknown>;
  on_failure: OnFailure;
  /** Declared by the author for `ssh.exec`: safe to run again after a crash mid-step. */
  idempotent?: boolean;
}

export interface RunbookDefinition {
  name: string;
  description: string;
  params: Record<string, ParamSpec>;
  steps: StepDef[];
}

export interface DocumentError {
  /** Where: `steps[2].with.to`, `params.vip.type`, or `document` for a syntax error. */
  path: string;
  message: string;
  /** A warning does not stop a save (e.g. a parameter inside an `sh -c` script); absent means error. */
  severity?: 'error' | 'warning';
}

export const PARAM_TYPES: ParamType[] = ['string', 'int', 'bool', 'host', 'ip', 'cidr', 'duration'];

/** Durations as authors write them: `500ms`, `10s`, `2m`, or a number of milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

export const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
export const CIDR4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;
/** Linux interface names: up to 15 characters, no slash or whitespace. */
// Never starting with '-': an interface name becomes an argument of `ip`, where it would read as an option.
export const IFNAME = /^(?!-)[A-Za-z0-9_.@-]{1,15}$/;
