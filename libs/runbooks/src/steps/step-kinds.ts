import { dnsUpdateStep } from './dns.step.js';
import { approvalStep, httpRequestStep, notifyStep } from './misc.step.js';
import { mysqlBootConfigStep, mysqlPromoteStep, mysqlReattachStep } from './mysql.step.js';
import { poolDrainStep, poolRestoreStep } from './pool.step.js';
import { sshExecStep } from './ssh-exec.step.js';
import type { StepHandler } from './step.js';
import { fenceStep, vipMoveStep } from './vip.step.js';
import { vmDrainStep } from './vm-drain.step.js';
import { vmMigrateStep, vmRestartStep } from './vm.step.js';
import { waitUntilStep } from './wait-until.step.js';

/**
 * Every runbook step type, listed once: the runbook document validation (known types, fields), the planner's checks
 * after substitution and the run worker's handlers come from here. Adding a step: docs/extending.md.
 */
export const STEP_KINDS: readonly StepHandler[] = [
  sshExecStep, vipMoveStep, fenceStep, dnsUpdateStep, poolDrainStep, poolRestoreStep, httpRequestStep, waitUntilStep,
  approvalStep, notifyStep, mysqlPromoteStep, mysqlReattachStep, mysqlBootConfigStep, vmRestartStep, vmMigrateStep,
  vmDrainStep,
];

const BY_TYPE = new Map(STEP_KINDS.map((kind) => [kind.type, kind]));

export function stepKind(type: string): StepHandler | undefined {
  return BY_TYPE.get(type);
}
