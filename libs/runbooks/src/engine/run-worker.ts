import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { HostMaintenance } from '#lib/detection';
import type { RunbookDefinition, StepDef } from '../document/definition.js';
import { RunStatus, type RunbookRun, type RunStep, type StepAction, StepStatus } from '../entities/run.entity.js';
import type { Resource } from '../entities/resource.entity.js';
import type { PlanContext, StepEffects, StepResult } from '../steps/step.js';
import { StepInputError } from '../steps/step.js';
import { PlanContextFactory } from './plan-context.js';
import { planStep, resolveParams, stepKey, templateContext } from './planner.js';
import { RunAnnouncer } from './run-feed.js';
import { type Claim, LostClaim, RunStore } from './run-store.js';
import { StepRegistryProvider } from './step-registry.js';
import { RunNotices } from './run-notices.js';

const POLL_MS = 250;
const MAX_CONCURRENT = 8;
const MAX_TEXT = 64 * 1024;

interface Ctx {
  claim: Claim;
  run: RunbookRun;
  resource: Resource | undefined;
  plan: PlanContext;
  template: Record<string, unknown>;
  signal: AbortSignal;
  /** Why the last step failed, in its own words: the run's reason and the alert carry it, not just the step's name. */
  stepError?: string;
}

/**
 * Executes runbook runs in a watchdog process: claims pending runs (and running ones whose lease expired: their
 * watchdog died) with SKIP LOCKED, renews the lease while it works, checkpoints each step's start and finish under the
 * fencing token, and resumes an interrupted run from its last completed step. An interrupted step that is not safe
 * to repeat is never repeated: it is marked unknown and the run waits for an operator.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, OnModuleDestroy {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger('RunWorker');
  private readonly active = new Map<string, Promise<void>>();
  private readonly loop = new PeriodicWorker('run worker', () => this.poll(), { everyMs: POLL_MS, immediate: true, onError: (e) => this.logger.warn(`claiming runs failed: ${(e as Error).message}`) });

  constructor(
    private readonly store: RunStore,
    private readonly contexts: PlanContextFactory,
    private readonly registry: StepRegistryProvider,
    private readonly announcer: RunAnnouncer,
    private readonly notices: RunNotices,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly maintenance: HostMaintenance,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.active.values()]);
  }

  /** Look for work now (a run was just queued in this process). */
  kick(): void {
    this.loop.kick();
  }

  /** Tests and benchmarks: wait until every run this worker holds has stopped. */
  async idle(): Promise<void> {
    await this.loop.idle();
    await Promise.allSettled([...this.active.values()]);
  }

  private async poll(): Promise<void> {
    const room = MAX_CONCURRENT - this.active.size;
    if (room <= 0) return;
    try {
      for (const claim of await this.store.claim(this.owner, this.config.runLeaseMs, room)) {
        const work = this.execute(claim)
          .catch((error: unknown) => this.logger.error(`run ${claim.runId}: ${(error as Error).stack ?? String(error)}`))
          .finally(() => this.active.delete(claim.runId));
        this.active.set(claim.runId, work);
      }
    } catch (error) {
      this.logger.warn(`claiming runs failed: ${(error as Error).message}`);
    }
  }

  private async execute(claim: Claim): Promise<void> {
    const controller = new AbortController();
    const every = Math.max(500, this.config.runLeaseMs / 4);
    // Stand down before the lease can run out: a watchdog that cannot renew (its database gone or unreachable) may
    // already have lost the run to another replica, so from then on it performs nothing — the step under way is
    // aborted (its command killed), and nothing more is written. Counted from the last renewal the database
    // confirmed, not from the request: a renewal that hangs must not keep the run alive here.
    // Monotonic time: a wall-clock step must not stretch the lease here. One renewal interval of margin (more would
    // stand down a worker whose renewals are merely slow under load).
    let heldUntil = performance.now() + this.config.runLeaseMs;
    let renewing = false;
    const renewal = setInterval(() => {
      if (performance.now() > heldUntil - every) {
        if (!controller.signal.aborted) this.logger.warn(`run ${claim.runId}: lease not renewed (database unreachable?); standing down before another watchdog may take it over`);
        controller.abort(new LostClaim('stood down: the lease could not be renewed'));
        return;
      }
      if (renewing) return;
      renewing = true;
      const asked = performance.now();
      this.store.renew(claim, this.config.runLeaseMs)
        .then((held) => (held ? (heldUntil = asked + this.config.runLeaseMs) : controller.abort(new LostClaim())), () => undefined)
        .finally(() => (renewing = false));
    }, every);
    try {
      const run = (await this.store.run(claim.runId))!;
      const resource = (await this.store.resource(run.resourceId)) ?? undefined;
      const plan = this.contexts.create(run.tenantId, resource, { runId: run.id, incidentId: run.incidentId ?? undefined });
      await this.announce(run, { kind: 'status', status: RunStatus.running });
      let template: Record<string, unknown>;
      try {
        template = templateContext(await resolveParams(run.definition as unknown as RunbookDefinition, run.params, plan), plan);
      } catch (error) {
        return await this.end({ claim, run } as Ctx, RunStatus.failed, (error as Error).message);
      }
      await this.steps({ claim, run, resource, plan, template, signal: controller.signal });
    } catch (error) {
      if (!(error instanceof LostClaim)) {
        // A fault of Vigia itself (not of a step): end the run rather than retry it forever on every lease expiry.
        await this.store.finishRun(claim, RunStatus.failed, `internal error: ${(error as Error).message}`).catch(() => undefined);
        throw error;
      }
      this.logger.warn(`run ${claim.runId}: ${error.message}; stopped here`);
    } finally {
      clearInterval(renewal);
    }
  }

  private async steps(ctx: Ctx): Promise<void> {
    const definition = ctx.run.definition as unknown as RunbookDefinition;
    const done = await this.store.steps(ctx.run.id);
    // Outputs of steps completed before a resume are there for the steps after it.
    for (const row of done) if (row.phase === 'main') (ctx.template.steps as Record<string, unknown>)[stepKey(row.name)] = row.outputs ?? {};
    for (const [index, step] of definition.steps.entries()) {
      const row = done.find((s) => s.phase === 'main' && s.index === index);
      if (row && (row.status === StepStatus.succeeded || row.status === StepStatus.skipped)) continue;
      if (row?.status === StepStatus.failed && step.on_failure === 'continue') continue;
      const outcome = await this.step(ctx, step, 'main', index, `steps[${index}]`, row);
      if (outcome === 'paused') return;
      if (outcome === 'failed') {
        if (step.on_failure === 'continue') continue;
        if (typeof step.on_failure === 'object') await this.compensate(ctx, step.on_failure.compensate, index, done);
        return this.end(ctx, RunStatus.failed, `step ${step.name} failed${ctx.stepError ? `: ${ctx.stepError}` : ''}`);
      }
    }
    await this.end(ctx, RunStatus.succeeded, null);
  }

  private async compensate(ctx: Ctx, steps: StepDef[], failedIndex: number, done: RunStep[]): Promise<void> {
    for (const [i, step] of steps.entries()) {
      const index = failedIndex * 100 + i;
      const row = done.find((s) => s.phase === 'compensate' && s.index === index);
      if (row && row.status !== StepStatus.running) continue;
      await this.step(ctx, step, 'compensate', index, `steps[${failedIndex}].on_failure.compensate[${i}]`, row);
    }
  }

  /** One step, checkpointed at start and finish. */
  private async step(ctx: Ctx, step: StepDef, phase: string, index: number, path: string, previous: RunStep | undefined): Promise<'ok' | 'failed' | 'paused'> {
    const handler = this.registry.get(step.type);
    if (previous?.status === StepStatus.running && !(handler?.idempotent(step) ?? false)) {
      // It may or may not have happened: repeating it could do it twice. A person decides.
      await this.store.finishStep(ctx.claim, previous, { status: StepStatus.unknown, actions: previous.actions, stdout: previous.stdout, stderr: previous.stderr, exitCode: previous.exitCode, error: 'interrupted by a watchdog crash; not safe to repeat' });
      await this.end(ctx, RunStatus.needs_operator, `step ${step.name} was interrupted and is not safe to repeat: check ${step.type} by hand, then approve (it happened) or abort`);
      return 'paused';
    }
    const operatorOverride = previous?.status === StepStatus.waiting && previous.approvedBy !== null;
    // Every attempt's actions stay on the record (an approved step's first, unconfirmed try included), in order.
    const earlier = previous?.actions ?? [];
    const row = await this.store.startStep(ctx.claim, { phase, index, name: step.name, type: step.type, attempt: (previous?.attempt ?? 0) + 1, approvedBy: previous?.approvedBy ?? null, actions: earlier });
    await this.announce(ctx.run, { kind: 'step', step: step.name, status: StepStatus.running });
    const record = { actions: [...earlier] as StepAction[], stdout: previous?.stdout ?? '', stderr: previous?.stderr ?? '', exitCode: null as number | null };
    let result: StepResult;
    try {
      const plan = await planStep(step, path, this.registry.all(), ctx.template, ctx.plan);
      result = await plan.execute({
        signal: ctx.signal,
        operatorOverride,
        effects: this.effects(ctx),
        perform: async (action) => {
          const started = performance.now();
          const onData = (stream: 'stdout' | 'stderr', text: string): void => void this.announce(ctx.run, { kind: 'output', step: step.name, stream, text });
          const outcome = await action.run({ signal: ctx.signal, onData }).catch((error: unknown) => ({ ok: false, note: (error as Error).message, exitCode: null, stdout: '', stderr: '' }));
          record.actions.push({ kind: action.kind, target: action.target, command: action.command, exitCode: outcome.exitCode ?? null, ok: outcome.ok, note: outcome.note ?? null, ms: Math.round(performance.now() - started) });
          record.stdout = (record.stdout + (outcome.stdout ?? '')).slice(0, MAX_TEXT);
          record.stderr = (record.stderr + (outcome.stderr ?? '')).slice(0, MAX_TEXT);
          if (outcome.exitCode !== undefined) record.exitCode = outcome.exitCode;
          return outcome;
        },
      });
    } catch (error) {
      if (error instanceof LostClaim || ctx.signal.reason instanceof LostClaim) throw new LostClaim();
      result = { ok: false, error: error instanceof StepInputError ? error.message : `step ${step.name} threw: ${(error as Error).message}` };
    }
    if (ctx.signal.aborted) throw new LostClaim();
    if (result.askOperator) {
      await this.store.finishStep(ctx.claim, row, { ...record, status: StepStatus.waiting, error: result.askOperator });
      await this.end(ctx, RunStatus.waiting_approval, result.askOperator);
      return 'paused';
    }
    const status = result.ok ? StepStatus.succeeded : StepStatus.failed;
    // A step that failed without a message of its own: the note of its failed action says what happened.
    if (!result.ok && phase === 'main') ctx.stepError = result.error ?? record.actions.findLast((a) => !a.ok)?.note ?? undefined;
    await this.store.finishStep(ctx.claim, row, { ...record, status, error: result.error ?? null, outputs: result.outputs ?? {} });
    (ctx.template.steps as Record<string, unknown>)[stepKey(step.name)] = result.outputs ?? {};
    await this.announce(ctx.run, { kind: 'step', step: step.name, status });
    return result.ok ? 'ok' : 'failed';
  }

  private effects(ctx: Ctx): StepEffects {
    const resourceId = ctx.resource?.id;
    const primary = (hostId: string, why: string): Partial<Resource> => ({ primaryHostId: hostId, primarySince: this.clock.now(), primaryReason: `${why} (run ${ctx.run.id}, ${ctx.run.trigger})` });
    const toggle = (list: string[], id: string, on: boolean): string[] => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id));
    // Each change is announced at once: the Resources page shows the new primary when it is one, not at its next reload.
    const update = async (change: (resource: Resource) => Partial<Resource>): Promise<void> => {
      if (!resourceId) return;
      await this.store.updateResource(ctx.claim, resourceId, change);
      await this.announce(ctx.run, { kind: 'resource' });
    };
    return {
      setPrimary: (hostId, why) => update(() => primary(hostId, why)),
      // Another resource the run moved (a hypervisor's drain moves each of its VMs): its own row, announced likewise.
      setPrimaryOf: async (otherId, hostId, why) => {
        await this.store.updateResource(ctx.claim, otherId, () => primary(hostId, why));
        await this.announcer.announce({ tenantId: ctx.run.tenantId, runId: ctx.run.id, resourceId: otherId, kind: 'resource' });
      },
      startMaintenance: async (hostId, name, forMs) => {
        const now = this.clock.now();
        await this.maintenance.open(ctx.run.tenantId, hostId, `${name} (run ${ctx.run.id})`, now, new Date(now.getTime() + forMs));
      },
      setFencePending: (hostId, pending) => update((r) => ({ fencePending: toggle(r.fencePending, hostId, pending) })),
      setDrained: (hostId, drained) => update((r) => ({ drained: toggle(r.drained, hostId, drained) })),
      setMemberWarning: (hostId, warning) => update((r) => ({ members: r.members.map((m) => (m.hostId === hostId ? { ...m, warning } : m)) })),
    };
  }

  private async end(ctx: Pick<Ctx, 'claim' | 'run'>, status: RunStatus, reason: string | null): Promise<void> {
    await this.store.finishRun(ctx.claim, status, reason);
    await this.announce(ctx.run, { kind: 'status', status, text: reason ?? undefined });
    await this.notices.runEnded(ctx.run, status, reason);
  }

  private announce(run: RunbookRun, event: { kind: 'status' | 'step' | 'output' | 'resource'; status?: string; step?: string; stream?: string; text?: string }): Promise<void> {
    return this.announcer.announce({ tenantId: run.tenantId, runId: run.id, resourceId: run.resourceId, ...event });
  }
}
