import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { CLOCK, type Clock, VigiaException, withDatabaseErrors } from '#lib/common';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { BUILTIN_RUNBOOKS, builtinName } from './document/builtin-runbooks.js';
import type { DocumentError } from './document/definition.js';
import { type ParseOutcome, parseRunbook } from './document/runbook-document.js';
import { Runbook, RunbookVersion } from './entities/runbook.entity.js';
import { Resource } from './entities/resource.entity.js';

export function documentErrors(errors: DocumentError[]): VigiaException {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: ${errors.slice(1, 4).map((e) => `${e.path}: ${e.message}`).join('; ')})` : '';
  return VigiaException.invalid(first.path, `${first.message}${more}`);
}

type Parsed = Extract<ParseOutcome, { ok: true }>;

/** A new runbook at version 1 (the API's create and a fleet apply: the one way to write one). */
export async function insertRunbook(manager: EntityManager, tenantId: string, parsed: Parsed, source: string, actor: string, builtin = false, id?: string): Promise<Runbook> {
  const runbook = await manager.save(manager.create(Runbook, { ...(id ? { id } : {}), tenantId, name: parsed.definition.name, description: parsed.definition.description, version: 1, builtin }));
  await manager.save(manager.create(RunbookVersion, { runbookId: runbook.id, version: 1, format: parsed.format, source, definition: { ...parsed.definition }, createdBy: actor }));
  return runbook;
}

/** A new version of a runbook (runs under way keep theirs). */
export async function addRunbookVersion(manager: EntityManager, tenantId: string, id: string, parsed: Parsed, source: string, actor: string): Promise<Runbook> {
  const runbook = await manager.findOneOrFail(Runbook, { where: { id, tenantId }, lock: { mode: 'pessimistic_write' } });
  runbook.version += 1;
  runbook.name = parsed.definition.name;
  runbook.description = parsed.definition.description;
  await manager.save(runbook);
  await manager.save(manager.create(RunbookVersion, { runbookId: id, version: runbook.version, format: parsed.format, source, definition: { ...parsed.definition }, createdBy: actor }));
  return runbook;
}

/** Runbooks and their immutable versions: every save is validated and becomes a new version. */
@Injectable()
export class RunbooksService {
  readonly scope: TenantScopedRepository<Runbook>;

  constructor(
    @InjectRepository(Runbook) runbooks: Repository<Runbook>,
    @InjectRepository(RunbookVersion) private readonly versions: Repository<RunbookVersion>,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.scope = new TenantScopedRepository(runbooks, 'runbook');
  }

  async create(principal: Principal, source: string, actor: string, builtin = false): Promise<Runbook> {
    const parsed = parseRunbook(source);
    if (!parsed.ok) throw documentErrors(parsed.errors);
    return withDatabaseErrors(() => this.dataSource.transaction((manager) => insertRunbook(manager, principal.tenantId, parsed, source, actor, builtin)));
  }

  /** A new version; runs under way keep the version they started with. */
  async update(principal: Principal, id: string, source: string, actor: string): Promise<Runbook> {
    const parsed = parseRunbook(source);
    if (!parsed.ok) throw documentErrors(parsed.errors);
    await this.scope.get(principal, id);
    return withDatabaseErrors(() => this.dataSource.transaction((manager) => addRunbookVersion(manager, principal.tenantId, id, parsed, source, actor)));
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    const runbook = await this.scope.get(principal, id);
    const user = await this.dataSource.getRepository(Resource).findOne({ where: [{ tenantId: principal.tenantId, runbookId: id }, { tenantId: principal.tenantId, recoveryRunbookId: id }] });
    if (user) throw new VigiaException('CONFLICT', `runbook ${runbook.name} is used by resource ${user.name}`, 'id');
    return this.scope.delete(principal, id);
  }

  current(runbook: Runbook): Promise<RunbookVersion> {
    return this.version(runbook.id, runbook.version);
  }

  async version(runbookId: string, version: number): Promise<RunbookVersion> {
    const found = await this.versions.findOne({ where: { runbookId, version } });
    if (!found) throw VigiaException.notFound('runbook version', 'version');
    return found;
  }

  history(runbookId: string): Promise<RunbookVersion[]> {
    return this.versions.find({ where: { runbookId }, order: { version: 'DESC' } });
  }

  /** The built-in runbook a kind binds for a role (its `runbooks`), installed in the tenant on first use. */
  async builtin(principal: Principal, kind: string, role: 'failure' | 'recovery' | 'manual'): Promise<string | null> {
    const name = builtinName(kind, role);
    const template = BUILTIN_RUNBOOKS.find((b) => b.name === name);
    if (!template) return null;
    const existing = await this.scope.repository.findOne({ where: { tenantId: principal.tenantId, name: template.name } });
    if (existing) return existing.id;
    return (await this.create(principal, template.source, 'vigia (built-in)', true)).id;
  }

  async setSchedule(principal: Principal, id: string, everyMinutes: number | null, resourceId: string | null): Promise<Runbook> {
    await this.scope.get(principal, id);
    const problem = scheduleProblem(everyMinutes);
    if (problem) throw VigiaException.invalid('everyMinutes', problem);
    if (resourceId) {
      const resource = await this.dataSource.getRepository(Resource).findOne({ where: { id: resourceId, tenantId: principal.tenantId } });
      if (!resource) throw VigiaException.notFound('resource', 'resourceId');
    }
    return this.scope.update(principal, id, scheduleFields(everyMinutes, resourceId, this.clock.now()));
  }
}

/** Why a runbook's schedule is refused (`setRunbookSchedule`'s rule, a fleet file's too), or undefined. */
export function scheduleProblem(everyMinutes: number | null): string | undefined {
  return everyMinutes !== null && (!Number.isInteger(everyMinutes) || everyMinutes < 1 || everyMinutes > 44_640) ? 'must be 1 to 44640 minutes' : undefined;
}

/** A runbook's schedule as stored: the first run one period from `now` (null: no schedule). */
export function scheduleFields(everyMinutes: number | null, resourceId: string | null, now: Date): Pick<Runbook, 'scheduleEveryMinutes' | 'scheduleResourceId' | 'nextRunAt'> {
  return { scheduleEveryMinutes: everyMinutes, scheduleResourceId: resourceId, nextRunAt: everyMinutes ? new Date(now.getTime() + everyMinutes * 60_000) : null };
}
