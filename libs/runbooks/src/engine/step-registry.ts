import { Injectable } from '@nestjs/common';
import { ProbeRunner } from '#lib/probes';
import { dnsUpdateStep } from '../steps/dns.step.js';
import { approvalStep, httpRequestStep, notifyStep } from '../steps/misc.step.js';
import { mysqlBootConfigStep, mysqlPromoteStep, mysqlReattachStep } from '../steps/mysql.step.js';
import { vmMigrateStep, vmRestartStep } from '../steps/vm.step.js';
import { poolDrainStep, poolRestoreStep } from '../steps/pool.step.js';
import { sshExecStep } from '../steps/ssh-exec.step.js';
import type { StepHandler } from '../steps/step.js';
import { fenceStep, vipMoveStep } from '../steps/vip.step.js';
import { waitUntilStep } from '../steps/wait-until.step.js';
import { RunNotices } from './run-notices.js';

/** Every step type this version can run, by name. */
@Injectable()
export class StepRegistryProvider {
  private readonly handlers: Map<string, StepHandler>;

  constructor(probes: ProbeRunner, notices: RunNotices) {
    const notify = notifyStep(async (tenantId, incidentId, message) => {
      await notices.note(tenantId, incidentId, message);
      return incidentId ? `posted to incident ${incidentId}` : 'logged';
    });
    const all = [sshExecStep, vipMoveStep, fenceStep, dnsUpdateStep, poolDrainStep, poolRestoreStep, httpRequestStep, waitUntilStep(probes), approvalStep, notify, mysqlPromoteStep, mysqlReattachStep, mysqlBootConfigStep, vmRestartStep, vmMigrateStep];
    this.handlers = new Map(all.map((h) => [h.type, h]));
  }

  get(type: string): StepHandler | undefined {
    return this.handlers.get(type);
  }

  all(): ReadonlyMap<string, StepHandler> {
    return this.handlers;
  }
}
