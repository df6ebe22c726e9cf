import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RunbookRun, RunStatus, RunStep, type StepAction, StepStatus } from '../entities/run.entity.js';
import { Resource } from '../entities/resource.entity.js';
import { CLOCK, type Clock } from '#lib/common';

/** A claimed run: its id and the fencing token every checkpoint must still match. */
export interface Claim {
  runId: string;
  token: string;
}

export class LostClaim extends Error {
  constructor(why = 'the run was aborted or taken over by another watchdog') {
    super(why);
  }
}

/**
 * The run table's concurrency rules in one place. A claim takes a fresh fencing token from a sequence; every
 * checkpoint (step start/finish, resource change, final status) runs in a transaction that first locks the run row
 * and checks that the token is still the one it was claimed with and the run is still running. A watchdog that lost
 * its lease (and so its run) to another can therefore never write another step.
 */
@Injectable()
export class RunStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Leases count on the database's clock (`now()` in SQL): the one clock every watchdog that competes for a run shares.
   * The run's own timestamps (started, finished) are the injected CLOCK's, like every time a person reads.
   */
  async claim(owner: string, leaseMs: number, limit: number): Promise<Claim[]> {
    const result: unknown[] = await this.dataSource.query(
      `UPDATE runbook_runs r
          SET owner = $1, fencing_token = nextval('runbook_fencing_seq'), lease_until = now() + make_interval(secs => $2::float8 / 1000),
              status = 'running', started_at = coalesce(r.started_at, $4), claims = r.claims + 1
        WHERE r.id IN (SELECT id FROM runbook_runs
                        WHERE status = 'pending' OR (status = 'running' AND lease_until < now())
                        ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING r.id, r.fencing_token`,
      [owner, leaseMs, limit, this.clock.now()],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const rows = (Array.isArray(result[0]) ? result[0] : result) as { id: string; fencing_token: string }[];
    return rows.map((r) => ({ runId: r.id, token: String(r.fencing_token) }));
  }

  /** Extends the lease; false when the run is no longer ours (aborted, finished, or claimed by another). */
  async renew(claim: Claim, leaseMs: number): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE runbook_runs SET lease_until = now() + make_interval(secs => $3::float8 / 1000)
        WHERE id = $1 AND fencing_token = $2 AND status = 'running'`,
      [claim.runId, claim.token, leaseMs],
    );
    return result[1] === 1;
  }

  /** Runs `work` only while the claim holds; throws LostClaim otherwise. */
  async guarded<T>(claim: Claim, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown[] = await manager.query(
        `SELECT 1 FROM runbook_runs WHERE id = $1 AND fencing_token = $2 AND status = 'running' FOR UPDATE`,
        [claim.runId, claim.token],
      );
      if (rows.length === 0) throw new LostClaim();
      return work(manager);
    });
  }

  run(runId: string): Promise<RunbookRun | null> {
    return this.dataSource.getRepository(RunbookRun).findOne({ where: { id: runId } });
  }

  steps(runId: string): Promise<RunStep[]> {
    return this.dataSource.getRepository(RunStep).find({ where: { runId }, order: { phase: 'DESC', index: 'ASC' } });
  }

  resource(id: string | null): Promise<Resource | null> {
    return id ? this.dataSource.getRepository(Resource).findOne({ where: { id } }) : Promise.resolve(null);
  }

  startStep(claim: Claim, data: { phase: string; index: number; name: string; type: string; attempt: number; approvedBy: string | null; actions?: StepAction[] }): Promise<RunStep> {
    return this.guarded(claim, async (manager) => {
      await manager.delete(RunStep, { runId: claim.runId, phase: data.phase, index: data.index });
      return manager.save(RunStep, manager.create(RunStep, { runId: claim.runId, ...data, status: StepStatus.running, startedAt: this.clock.now(), actions: data.actions ?? [] }));
    });
  }

  finishStep(claim: Claim, step: RunStep, outcome: { status: StepStatus; actions: StepAction[]; stdout: string; stderr: string; exitCode: number | null; error: string | null; outputs?: Record<string, unknown> }): Promise<void> {
    return this.guarded(claim, async (manager) => {
      const { outputs, ...rest } = outcome;
      await manager.update(RunStep, { id: step.id }, { ...rest, finishedAt: outcome.status === StepStatus.waiting ? null : this.clock.now() });
      // jsonb through a parameter: TypeORM's update would read a plain object as a nested entity patch.
      if (outputs) await manager.query('UPDATE runbook_run_steps SET outputs = $2 WHERE id = $1', [step.id, JSON.stringify(outputs)]);
    });
  }

  /** Ends the run (or pauses it for an operator), releasing the worker's claim. */
  finishRun(claim: Claim, status: RunStatus, reason: string | null): Promise<void> {
    return this.guarded(claim, async (manager) => {
      const final = [RunStatus.succeeded, RunStatus.failed, RunStatus.aborted].includes(status);
      await manager.update(RunbookRun, { id: claim.runId }, { status, statusReason: reason, owner: null, leaseUntil: null, ...(final ? { finishedAt: this.clock.now() } : {}) });
      const run = await manager.findOneByOrFail(RunbookRun, { id: claim.runId });
      // The cooldown keeps automatic runs from ping-ponging: an operator's run or a fence does not start it.
      const automatic = ['incident', 'failback', 'recovery', 'schedule'].includes(run.trigger);
      if (final && automatic && run.resourceId) await manager.update(Resource, { id: run.resourceId }, { lastRunAt: this.clock.now() });
    });
  }

  updateResource(claim: Claim, resourceId: string, change: (resource: Resource) => Partial<Resource>): Promise<void> {
    return this.guarded(claim, async (manager) => {
      const resource = await manager.findOne(Resource, { where: { id: resourceId }, lock: { mode: 'pessimistic_write' } });
      if (resource) await manager.save(Resource, Object.assign(resource, change(resource)));
    });
  }
}
