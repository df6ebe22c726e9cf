import type { AddressJudge, FieldShape } from '#lib/common';
import type { HostMonitorHealth, MonitorHealth } from '#lib/detection';
import type { Incident } from '#lib/incidents';
import type { Host } from '#lib/inventory';
import type { DecisionKind, Resource, ResourceMember } from '../entities/resource.entity.js';
import type { ReplicationSeen } from '../member-roles.js';
import type { Verdict } from '../mysql-detection.js';
import type { PlanContext } from '../steps/step.js';

/** Why Vigia does not act (yet) on an outage, and whether that is worth waking someone. */
export interface Decision {
  kind: DecisionKind;
  text: string;
  page: boolean;
}

/** A kind's answer to its primary's outage: start the failure runbook with these params, or a standing decision. */
export type DownOutcome = Decision | { start: Record<string, unknown> };

/**
 * What a kind may ask while deciding about its primary's outage. The reconciler owns the state and the repositories
 * (the replicas' verdicts and their timing, the member hosts): the kind says only what to do with them.
 */
export interface PrimaryDown {
  resource: Resource;
  /** The failed primary. */
  member: ResourceMember;
  /** Open incidents on any member (the standbys' and hypervisors' health), read once per evaluation. */
  onMembers: Incident[];
  /** The members' monitors with their health now (a standby nobody can see, or seen failing, is no good target). */
  memberHealth(): Promise<HostMonitorHealth[]>;
  /** How long the primary has been down. */
  downMs: number;
  /** A line on the outage's timeline. */
  say(text: string): Promise<void>;
  /** The replicas' opinion of the primary: started at its first failed probe, reused while fresh (the reconciler's rules). */
  replicasVerdict(): Promise<Verdict>;
  /** The members' hosts (names, tags: a hypervisor's capacity). */
  memberHosts(): Promise<Host[]>;
  /** The tenant's resources of this kind (VMs placed on the same hypervisors). */
  sameKind(): Promise<Resource[]>;
  /** The members' hosts inside a maintenance window now, with the window's name. */
  inMaintenance(): Promise<Map<string, string>>;
}

/** A setting wrong only together with others (a Proxmox VM without its API), as `[key, problem]`. */
export type ConfigProblem = [key: string, problem: string];

/**
 * Everything about one resource kind, declared in its own file (`resources/<kind>.kind.ts`) and listed once in
 * `resource-kinds.ts`: its settings and secrets (validated at save), its built-in runbooks, and its behaviour when a
 * member goes down or comes back — as data and small functions the reconciler, the triggers and the resources
 * service call, so none of them branches on the kind's name.
 */
export interface ResourceKindDef<Type extends string = string> {
  readonly type: Type;
  /** One line for the GraphQL enum value. */
  readonly description: string;
  /** Settings in the field-spec language; `flapStableSeconds` is added to every kind by the registry. */
  readonly config: FieldShape;
  /**
   * What its members are, in words for forms: `are` the hosts listed (in preference order), `value` and `weight` what
   * a member's value and pool weight mean for this kind (absent: the kind does not use them).
   */
  readonly members: { readonly are: string; readonly value?: string; readonly weight?: string };
  /** Names of its secrets (sealed, never shown), each a string of 1 to 1024 characters. */
  readonly secrets: readonly string[];
  /** A rule across settings, after each setting passed its own; the egress policy judges what Vigia connects to. */
  check?(config: Record<string, unknown>, judge: AddressJudge): ConfigProblem | undefined;
  /**
   * Built-in runbooks (names in document/builtin-runbooks.ts) bound at create unless the operator names their own:
   * `failure` on a member's outage, `recovery` when one is back; `manual` are offered to operators, the first one
   * installed in the tenant alongside.
   */
  readonly runbooks: { failure?: string; recovery?: string; manual?: readonly string[] };
  /** Settings the built-in failure runbook cannot work without (refused at save while it is bound), and why. */
  readonly builtinFailureNeeds?: { keys: readonly string[]; because: string };
  /**
   * A member down: `drain` — every member serves (a pool: no primary), each one down gets the failure runbook with
   * `{ member }`; otherwise one primary serves and this decides about its outage (the reconciler has already
   * checked the runbook, flap damping and earlier runs).
   */
  readonly onMemberDown: 'drain' | ((down: PrimaryDown) => Promise<DownOutcome>);
  /** The replicas are asked about a suspect primary at its first failed probe, before the outage is confirmed. */
  readonly asksReplicasEarly?: boolean;
  /**
   * A member back: `failback` to the preferred member (failback policy "auto"), `restore` drained members with the
   * recovery runbook, or `never` (a former primary is an operator's to bring back).
   */
  readonly onMemberBack: 'failback' | 'restore' | 'never';
  /**
   * A member replaced while unreachable is fenced when it shows a sign of life, by this `fence` step method;
   * `reattach`: the step type (taking `host`) that then re-attaches it as a replica when the failback policy is
   * "auto". Absent: nothing to fence.
   */
  readonly fenceReturning?: { method: 'mysql' | 'vip' | 'vm'; reattach?: string };
  /**
   * A setting naming a folder that is one tenant's alone (a VM's shared storage): refused at save when it is, contains
   * or lies inside the same setting of another tenant's resource of this kind.
   */
  readonly tenantOwnFolder?: string;
  /** What Vigia observed of each member's replication (its role: replica or not replicating); absent: standbys. */
  readReplication?(resource: Resource, health: MonitorHealth): Promise<ReplicationSeen>;
  /** Members checked when the resource is saved, each with its warning (null when fine). */
  checkMembers?(resource: Resource, ctx: PlanContext): Promise<ResourceMember[]>;
}

export function defineResourceKind<const Type extends string>(kind: ResourceKindDef<Type>): ResourceKindDef<Type> {
  return kind;
}
