import type { ProbeStatus } from '#lib/probes';

/**
 * The agent protocol: JSON messages over one WebSocket (`/agent`), opened by the agent with
 * `Authorization: Bearer <vantage token>`. The API speaks first with the assignment and again whenever it changes.
 */
export const AGENT_PATH = '/agent';
/** A batch may carry at most this many results, and a message at most this many bytes: larger ones are refused whole. */
export const MAX_BATCH_RESULTS = 1000;
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A result stamped further in the future than this (after the agent's measured clock offset) is refused. */
export const MAX_FUTURE_MS = 5_000;
/** Close codes. */
export const CLOSE_REVOKED = 4403;
export const CLOSE_REPLACED = 4409;

/** One monitor of an assignment: its probe target (config with its secrets, SSH key) sealed for this agent only. */
export interface AssignedMonitor {
  id: string;
  intervalMs: number;
  /** SecretBox `agentSecretBox(token, vantageId)`, context `agent-monitor:<id>`: JSON of the ProbeTarget. */
  sealed: string;
}

export interface AssignmentMessage {
  type: 'assignment';
  vantage: { id: string; name: string };
  policy: { failuresToDown: number; successesToUp: number; confirmIntervalMs: number };
  monitors: AssignedMonitor[];
}

export interface AckMessage {
  type: 'ack';
  batch: number;
  stored: number;
  refused: number;
  why?: string;
}

export type ServerMessage = AssignmentMessage | AckMessage;

export interface AgentResult {
  monitorId: string;
  /** When the probe started, by the agent's clock (ms since the epoch). */
  at: number;
  status: ProbeStatus;
  latencyMs: number;
  reason: string;
  /** Produced or held while the agent was cut off from the API: history, not a fresh vote. */
  replayed: boolean;
  /** Not probed: the agent's own egress policy (VIGIA_EGRESS_ALLOW) refused the target. Never a vote. */
  refused?: boolean;
}

export interface HeartbeatMessage {
  type: 'heartbeat';
  sentAt: number;
  probesPerSecond: number;
  failingShare: number | null;
  /** Share of its due slots skipped or shed over the last minute (overloaded). */
  skippedShare?: number | null;
  buffered: number;
  dropped: number;
}

export interface ResultsMessage {
  type: 'results';
  batch: number;
  results: AgentResult[];
}

export type AgentMessage = HeartbeatMessage | ResultsMessage;

export const sealContext = (monitorId: string): string => `agent-monitor:${monitorId}`;
