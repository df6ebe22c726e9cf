import type { EgressGuard } from '#lib/egress';

export type ProbeStatus = 'up' | 'degraded' | 'down';

/** One check's outcome. `reason` is written for a person at 3 a.m.: what was seen, where, how long it took. */
export interface ProbeResult {
  status: ProbeStatus;
  latencyMs: number;
  reason: string;
  /** When the probe started, ms since the epoch. */
  at: number;
  details?: Record<string, unknown>;
  /**
   * Not attempted: the egress policy of the process that would have probed refused the target. Down where that
   * policy is the platform's (the central watchdogs); from an agent it is that agent's own setting, not a vote on the
   * target (see WatchdogService.takeAgentResults).
   */
  refused?: true;
  /**
   * The refused address is the one configured (an address literal), not a DNS answer or a redirect: a setting at
   * odds with the platform's policy. A central watchdog then does not probe it rather than call the target down.
   */
  configuredRefusal?: true;
}

/** What a probe needs: its validated config, the host's address as default target, and its time budget. */
export interface ProbeTarget<Config extends object = Record<string, unknown>> {
  /** A registered probe type (`ProbeType`, probe-kinds.ts). */
  type: string;
  /** Validated at save by the probe kind's `config` shape; credentials revealed. */
  config: Config;
  /** The host's first address; a config `host` overrides it. */
  address: string;
  timeoutMs: number;
  /** The tenant whose monitor or runbook this is: the egress policy's context. */
  tenantId?: string;
  /** SSH access of the host, resolved by the caller (credential unsealed, host key pinned) for `ssh` monitors. */
  ssh?: { port: number; user: string; privateKey: string; hostKey: string | null };
}

/** Returned by a probe; the runner adds `at` and the measured latency when the probe does not set its own. */
export interface ProbeVerdict {
  status: ProbeStatus;
  reason: string;
  latencyMs?: number;
  details?: Record<string, unknown>;
}

export interface Probe<Config extends object = Record<string, unknown>> {
  readonly type: string;
  /**
   * Must stop its I/O when `signal` aborts (the runner's timeout). May throw: a throw is a `down` with the message.
   * Every connection goes to an address `egress.resolve` returned (the egress policy, after DNS resolution).
   * `now`: the runner's clock (`CLOCK`) at the probe's start, in ms — for what a probe judges against the time of day
   * (a certificate's remaining days); a probe never reads the system clock itself.
   */
  check(target: ProbeTarget<Config>, signal: AbortSignal, egress: EgressGuard, now: number): Promise<ProbeVerdict>;
}

export function str(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  return typeof value === 'string' ? value : undefined;
}

export function num(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  return typeof value === 'number' ? value : undefined;
}

export function bool(config: Record<string, unknown>, key: string): boolean | undefined {
  const value = config[key];
  return typeof value === 'boolean' ? value : undefined;
}

/** `host` from the config, else the host's address: the name the reason shows. */
export function targetHost(target: ProbeTarget): string {
  return str(target.config, 'host') ?? target.address;
}

/**
 * The most a probe's deadline is moved for time its process's event loop was stalled (ProbeRunner), and the margin
 * its libraries' own timers get beyond the deadline (`libraryTimeoutMs`): larger, so that the runner judges first.
 */
export const STALL_GIVE_BACK_MAX_MS = 3_000;
const LIBRARY_MARGIN_MS = STALL_GIVE_BACK_MAX_MS + 2_000;

/**
 * The timeout a probe gives its libraries' own timers (connect, greeting, socket, resolver): a backstop past the
 * runner's deadline. In a stalled event loop a library's timer due at the deadline fires before the answer that
 * arrived in time is read (timers run before the loop's poll phase), and calls it a timeout; the runner's deadline is
 * judged after that I/O, gives back the stall, and aborts the probe (every probe closes its connection on abort).
 */
export function libraryTimeoutMs(timeoutMs: number): number {
  return timeoutMs + LIBRARY_MARGIN_MS;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
