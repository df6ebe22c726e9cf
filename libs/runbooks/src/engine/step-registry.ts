import { Injectable } from '@nestjs/common';
import { ProbeRunner } from '#lib/probes';
import { STEP_KINDS } from '../steps/step-kinds.js';
import type { BoundStep, StepDeps } from '../steps/step.js';
import { RunNotices } from './run-notices.js';

/** Every step type this version can run (steps/step-kinds.ts), bound to what this process provides. */
@Injectable()
export class StepRegistryProvider {
  private readonly handlers: Map<string, BoundStep>;

  constructor(probes: ProbeRunner, notices: RunNotices) {
    const deps: StepDeps = {
      probes,
      async note(tenantId, incidentId, message) {
        await notices.note(tenantId, incidentId, message);
        return incidentId ? `posted to incident ${incidentId}` : 'logged';
      },
    };
    this.handlers = new Map(STEP_KINDS.map((kind) => [kind.type, { ...kind, plan: (fields, ctx, path) => kind.plan(fields, ctx, path, deps) }]));
  }

  get(type: string): BoundStep | undefined {
    return this.handlers.get(type);
  }

  all(): ReadonlyMap<string, BoundStep> {
    return this.handlers;
  }
}
