import type { FieldShape } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { ProbeRunner } from '#lib/probes';
import type { SshTarget } from '#lib/executors';
import { parseDuration, type StepDef } from '../document/definition.js';

/** A host a step acts on, resolved in the run's tenant. */
export interface HostRef {
  id: string;
  name: string;
  address: string;
}

export interface ResolvedHost extends HostRef {
  tags?: string[];
  /** Present when the host can be reached over SSH: credential unsealed, host key pinned. */
  ssh?: SshTarget;
  sshProblem?: string;
}

export interface ResourceView {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  members: { hostId: string; value?: string | null; weight?: number | null }[];
  requireFencing: boolean;
  primaryHostId: string | null;
  /** The VIP without its prefix length (vip groups), for `http://{{ resource.ip }}/`. */
  ip?: string;
}

/** A wrong value found while planning: the step's field is named (e.g. `steps[0].with.to`). */
export class StepInputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    /** NOT_FOUND for a host or monitor that does not exist in the tenant (another tenant's looks the same). */
    readonly code: 'VALIDATION_FAILED' | 'NOT_FOUND' = 'VALIDATION_FAILED',
  ) {
    super(`${path}: ${reason}`);
  }
}

export interface ActionIo {
  signal: AbortSignal;
  onData: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface ActionResult {
  ok: boolean;
  exitCode?: number | null;
  stdout?: string;
  stderr?: string;
  /** Why ok or not, in words (e.g. "address already absent"). */
  note?: string;
}

/**
 * One command or API call, fully resolved. Dry-run shows `kind`, `target` and `command`; the run executes `run`, the
 * very closure built with them, so what was previewed is what is executed.
 */
export interface PlannedAction {
  kind: 'ssh' | 'local' | 'haproxy' | 'http' | 'probe' | 'dns-query' | 'approval' | 'notify' | 'mysql';
  target: string;
  command: string;
  run: (io: ActionIo) => Promise<ActionResult>;
}

export interface StepEffects {
  setPrimary(hostId: string, why: string): Promise<void>;
  /** Where another resource of the tenant runs now (a drain moves several VMs in one run). */
  setPrimaryOf(resourceId: string, hostId: string, why: string): Promise<void>;
  /** A maintenance window on a host from now, for `forMs` (a drained hypervisor). */
  startMaintenance(hostId: string, name: string, forMs: number): Promise<void>;
  setFencePending(hostId: string, pending: boolean): Promise<void>;
  setDrained(hostId: string, drained: boolean): Promise<void>;
  /** What is unsafe about a member as configured (e.g. its MySQL boots writable); null: checked and fine. */
  setMemberWarning(hostId: string, warning: string | null): Promise<void>;
}

export interface StepExecution {
  /** Runs an action, records it in the audit trail and streams its output. */
  perform(action: PlannedAction): Promise<ActionResult>;
  signal: AbortSignal;
  effects: StepEffects;
  /** An operator approved going on after this step asked (e.g. fencing could not be confirmed). */
  operatorOverride: boolean;
}

export interface StepResult {
  ok: boolean;
  error?: string;
  /** Values later steps may use as `{{ steps.<name>.<key> }}` (e.g. the promoted host). */
  outputs?: Record<string, unknown>;
  /** Pause the run for an operator with this question; approving re-runs the step with `operatorOverride`. */
  askOperator?: string;
}

export interface StepPlan {
  actions: PlannedAction[];
  /** The step will refuse (as things stand now): later steps cannot be planned, and a dry-run stops here. */
  refusal?: string;
  /** What `outputs` will most likely be, known at planning time (dry-run shows later steps with them). */
  outputs?: Record<string, unknown>;
  execute(exec: StepExecution): Promise<StepResult>;
}

export interface PlanContext {
  tenantId: string;
  resource?: ResourceView;
  runId?: string;
  incidentId?: string;
  /** The egress policy in this tenant's context: every connection a step opens goes through it. */
  egress: EgressGuard;
  resolveHost(value: unknown, path: string, needSsh: boolean): Promise<ResolvedHost>;
  /** The tenant's VM resources (where each runs, its memory and anti-affinity), for placement. */
  vms(): Promise<ResourceView[]>;
  /** Of these hosts, those inside a maintenance window now, with the window's name (placement avoids them). */
  inMaintenance(hostIds: readonly string[]): Promise<Map<string, string>>;
  resourceSecret(key: string): string | undefined;
  monitorTarget(nameOrId: string, path: string): Promise<{ label: string; type: string; config: Record<string, unknown>; address: string; timeoutMs: number }>;
}

/** What the process gives a step's planner (the probe runner for `wait.until`, the incident timeline for `notify`). */
export interface StepDeps {
  probes: ProbeRunner;
  note(tenantId: string, incidentId: string | undefined, message: string): Promise<string>;
}

/**
 * One runbook step type, declared in its `*.step.ts` file and listed once in `step-kinds.ts`: its fields (checked at
 * save when literal, again once placeholders are substituted), a rule across fields, its idempotency, its planner.
 */
export interface StepHandler {
  readonly type: string;
  readonly fields: FieldShape;
  /** A rule across fields (checked at save); the field it names is relative to `with`. */
  check?(fields: Record<string, unknown>): { field: string; message: string } | undefined;
  /** Safe to run again after a crash interrupted it (same end state). */
  idempotent(step: StepDef): boolean;
  plan(fields: Record<string, unknown>, ctx: PlanContext, path: string, deps: StepDeps): Promise<StepPlan>;
}

/** A step type bound to this process's `StepDeps` (what the run worker and dry-run call). */
export type BoundStep = Omit<StepHandler, 'plan'> & { plan(fields: Record<string, unknown>, ctx: PlanContext, path: string): Promise<StepPlan> };

/** Runs the actions one after the other and stops at the first that fails: most steps need nothing more. */
export function sequential(actions: PlannedAction[]): StepPlan {
  return {
    actions,
    async execute(exec) {
      for (const action of actions) {
        const result = await exec.perform(action);
        if (!result.ok) return { ok: false, error: `${action.kind} on ${action.target} failed: ${result.note ?? result.stderr?.trim().split('\n')[0] ?? `exit ${result.exitCode}`}` };
      }
      return { ok: true };
    },
  };
}

/** A duration field (already checked by the step's spec) in milliseconds, or the step's default. */
export function durationField(value: unknown, fallback: number): number {
  return parseDuration(value) ?? fallback;
}
