import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { CLOCK, type Clock, type Connection, type PageArgs, paginateBy, VigiaException } from '#lib/common';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import type { RunbookDefinition } from './document/definition.js';
import { parseRunbook } from './document/runbook-document.js';
import { PlanContextFactory } from './engine/plan-context.js';
import { RunAnnouncer } from './engine/run-feed.js';
import { dryRun, type StepPreview } from './engine/planner.js';
import { RunWorker } from './engine/run-worker.js';
import { StepRegistryProvider } from './engine/step-registry.js';
import { StepInputError } from './steps/step.js';
import { Resource } from './entities/resource.entity.js';
import { ACTIVE_RUN_STATUSES, RunbookRun, RunStatus, RunStep, StepStatus } from './entities/run.entity.js';
import { RunbooksService, documentErrors } from './runbooks.service.js';

export interface StartRun {
  tenantId: string;
  runbookId?: string;
  /** A run made by Vigia itself (fencing a returning member) carries its definition. */
  definition?: RunbookDefinition;
  resourceId?: string | null;
  params: Record<string, unknown>;
  trigger: 'incident' | 'manual' | 'schedule' | 'failback' | 'recovery' | 'fence';
  actor: string;
  incidentId?: string | null;
  force?: boolean;
}

export type StartOutcome = { run: RunbookRun } | { refused: string };

/** Starting, previewing, approving and aborting runs. The lock is the partial unique index on active runs. */
@Injectable()
export class RunsService {
  readonly scope: TenantScopedRepository<RunbookRun>;

  constructor(
    @InjectRepository(RunbookRun) runs: Repository<RunbookRun>,
    @InjectRepository(RunStep) private readonly steps: Repository<RunStep>,
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    private readonly runbooks: RunbooksService,
    private readonly contexts: PlanContextFactory,
    private readonly registry: StepRegistryProvider,
    private readonly dataSource: DataSource,
    private readonly announcer: RunAnnouncer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly worker?: RunWorker,
  ) {
    this.scope = new TenantScopedRepository(runs, 'run');
  }

  /** Queues a run unless the policy says no (cooldown, another active run); says why when it does not. */
  async start(request: StartRun): Promise<StartOutcome> {
    const resource = request.resourceId ? await this.resources.findOne({ where: { id: request.resourceId, tenantId: request.tenantId } }) : null;
    if (request.resourceId && !resource) return { refused: 'unknown resource' };
    let definition = request.definition;
    let version: number | null = null;
    let name = definition?.name ?? 'vigia';
    if (request.runbookId) {
      const runbook = await this.runbooks.scope.repository.findOne({ where: { id: request.runbookId, tenantId: request.tenantId } });
      if (!runbook) return { refused: 'unknown runbook' };
      definition = (await this.runbooks.current(runbook)).definition as unknown as RunbookDefinition;
      version = runbook.version;
      name = runbook.name;
    }
    if (!definition) return { refused: 'no runbook' };
    const automatic = request.trigger !== 'manual' && request.trigger !== 'fence';
    if (resource && automatic && !request.force && resource.lastRunAt && this.clock.now().getTime() - resource.lastRunAt.getTime() < resource.cooldownMinutes * 60_000) {
      return { refused: `cooldown: the last run on ${resource.name} ended ${Math.round((this.clock.now().getTime() - resource.lastRunAt.getTime()) / 1000)} s ago (cooldown ${resource.cooldownMinutes} min); an operator may force a run` };
    }
    const gated = !!resource?.approvalRequired && automatic;
    const lockKey = resource ? `resource:${resource.id}` : `runbook:${request.runbookId ?? name}`;
    // The holder may finish between a conflicting INSERT and the look-up: then the lock is free, so try again.
    for (let attempt = 0; ; attempt++) {
      const rows: { id: string }[] = await this.dataSource.query(
        `INSERT INTO runbook_runs (tenant_id, runbook_id, runbook_version, runbook_name, resource_id, lock_key, trigger, actor, incident_id, params, definition, status, status_reason, forced)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (lock_key) WHERE status IN ('pending','running','waiting_approval','needs_operator') DO NOTHING RETURNING id`,
        [request.tenantId, request.runbookId ?? null, version, name, resource?.id ?? null, lockKey, request.trigger, request.actor, request.incidentId ?? null,
          JSON.stringify(request.params), JSON.stringify(definition), gated ? RunStatus.waiting_approval : RunStatus.pending, gated ? 'the resource requires approval before a failover' : null, !!request.force],
      );
      if (rows.length > 0) {
        this.worker?.kick();
        const run = await this.scope.repository.findOneByOrFail({ id: rows[0]!.id });
        // The resource now has an active run (perhaps one waiting for approval): live pages show it at once.
        await this.announcer.announce({ tenantId: run.tenantId, runId: run.id, resourceId: run.resourceId, kind: 'status', status: run.status });
        return { run };
      }
      // The holder is the run the lock index counts: an active one. Finished runs keep the same lock key, and
      // naming one of those ("another run (…, succeeded) holds") sent operators to a run that holds nothing.
      const active = await this.scope.repository.findOne({ where: { lockKey, status: In(ACTIVE_RUN_STATUSES) } });
      if (active || attempt >= 2) {
        const holder = active && active.tenantId === request.tenantId ? `${active.id}, ${active.status}` : 'active';
        return { refused: `another run (${holder}) holds ${resource ? `resource ${resource.name}` : 'this runbook'}` };
      }
    }
  }

  async startManual(principal: Principal, actor: string, input: { runbookId: string; resourceId?: string; params: Record<string, unknown>; force?: boolean }): Promise<RunbookRun> {
    await this.runbooks.scope.get(principal, input.runbookId, 'runbookId');
    if (input.resourceId) await this.resources.findOne({ where: { id: input.resourceId, tenantId: principal.tenantId } }).then((r) => r ?? Promise.reject(VigiaException.notFound('resource', 'resourceId')));
    // Refuse bad parameters before anything is queued: the same checks as a dry-run.
    await this.preview(principal, { runbookId: input.runbookId, resourceId: input.resourceId, params: input.params });
    const outcome = await this.start({ tenantId: principal.tenantId, runbookId: input.runbookId, resourceId: input.resourceId, params: input.params, trigger: 'manual', actor, force: input.force });
    if ('refused' in outcome) throw new VigiaException('CONFLICT', outcome.refused, 'resourceId');
    return outcome.run;
  }

  /** Exactly what each step would run, parameters resolved; nothing is executed. */
  async preview(principal: Principal, input: { runbookId?: string; source?: string; resourceId?: string; params: Record<string, unknown> }): Promise<StepPreview[]> {
    let definition: RunbookDefinition;
    if (input.source !== undefined) {
      const parsed = parseRunbook(input.source);
      if (!parsed.ok) throw documentErrors(parsed.errors);
      definition = parsed.definition;
    } else if (input.runbookId) {
      definition = (await this.runbooks.current(await this.runbooks.scope.get(principal, input.runbookId, 'runbookId'))).definition as unknown as RunbookDefinition;
    } else {
      throw VigiaException.invalid('runbookId', 'give a runbook id or a source');
    }
    const resource = input.resourceId ? await this.resources.findOne({ where: { id: input.resourceId, tenantId: principal.tenantId } }) : undefined;
    if (input.resourceId && !resource) throw VigiaException.notFound('resource', 'resourceId');
    try {
      return await dryRun(definition, input.params, this.registry.all(), this.contexts.create(principal.tenantId, resource ?? undefined));
    } catch (error) {
      if (error instanceof StepInputError) throw new VigiaException(error.code, error.message, error.path);
      throw error;
    }
  }

  /** Approves a paused run: a policy gate, an approval step, an unconfirmed fence, or an unknown step ("it happened"). */
  async approve(principal: Principal, runId: string, actor: string): Promise<RunbookRun> {
    const run = await this.scope.get(principal, runId);
    if (run.status !== RunStatus.waiting_approval && run.status !== RunStatus.needs_operator) throw new VigiaException('CONFLICT', `run is ${run.status}; only a paused run can be approved`, 'id');
    await this.dataSource.transaction(async (manager) => {
      const paused = await manager.findOne(RunStep, { where: [{ runId, status: StepStatus.waiting }, { runId, status: StepStatus.unknown }] });
      if (paused?.status === StepStatus.unknown) await manager.update(RunStep, { id: paused.id }, { status: StepStatus.succeeded, approvedBy: actor, error: `${paused.error}; ${actor} confirmed it happened` });
      else if (paused) await manager.update(RunStep, { id: paused.id }, { approvedBy: actor });
      await manager.update(RunbookRun, { id: runId, status: run.status }, { status: RunStatus.pending, statusReason: `approved by ${actor}` });
    });
    this.worker?.kick();
    return this.scope.get(principal, runId);
  }

  async abort(principal: Principal, runId: string, actor: string): Promise<RunbookRun> {
    const run = await this.scope.get(principal, runId);
    const result = await this.dataSource.query(
      `UPDATE runbook_runs SET status = 'aborted', status_reason = $2, finished_at = $3, owner = NULL, lease_until = NULL
        WHERE id = $1 AND status IN ('pending','running','waiting_approval','needs_operator')`,
      [run.id, `aborted by ${actor}`, this.clock.now()],
    );
    if ((result as [unknown, number])[1] === 0) throw new VigiaException('CONFLICT', `run is ${run.status}; nothing to abort`, 'id');
    return this.scope.get(principal, runId);
  }

  list(principal: Principal, page: PageArgs, filter: { resourceId?: string; status?: RunStatus; incidentId?: string; runbookId?: string }): Promise<Connection<RunbookRun>> {
    const query = this.scope.query(principal, 'e');
    if (filter.resourceId) query.andWhere('e.resource_id = :resourceId', { resourceId: filter.resourceId });
    if (filter.status) query.andWhere('e.status = :status', { status: filter.status });
    if (filter.incidentId) query.andWhere('e.incident_id = :incidentId', { incidentId: filter.incidentId });
    if (filter.runbookId) query.andWhere('e.runbook_id = :runbookId', { runbookId: filter.runbookId });
    return paginateBy(query, page, 'createdAt', 'DESC');
  }

  stepsOf(run: RunbookRun): Promise<RunStep[]> {
    return this.steps.find({ where: { runId: run.id }, order: { startedAt: 'ASC' } });
  }
}
