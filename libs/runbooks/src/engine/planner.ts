import { CIDR4, IPV4, parseDuration, type RunbookDefinition, type StepDef } from '../document/definition.js';
import { fieldProblem, isRequired } from '#lib/common';
import { stepKind } from '../steps/step-kinds.js';
import { render, TemplateError } from '../document/template.js';
import { type PlanContext, type BoundStep, StepInputError, type StepPlan } from '../steps/step.js';

export type StepRegistry = ReadonlyMap<string, BoundStep>;

export interface ActionPreview {
  kind: string;
  target: string;
  command: string;
}

export interface StepPreview {
  name: string;
  type: string;
  path: string;
  idempotent: boolean;
  actions: ActionPreview[];
  compensate: StepPreview[];
}

/** Checks the run's parameters against the declared ones; hosts are looked up in the tenant and kept as {id,name,address}. */
export async function resolveParams(definition: RunbookDefinition, given: Record<string, unknown>, ctx: PlanContext): Promise<Record<string, unknown>> {
  for (const key of Object.keys(given)) if (!(key in definition.params)) throw new StepInputError(`params.${key}`, `is not a parameter of ${definition.name}`);
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.params)) {
    const path = `params.${name}`;
    const value = given[name] ?? spec.default;
    if (value === undefined || value === null) {
      if (spec.required) throw new StepInputError(path, 'is required');
      resolved[name] = null;
      continue;
    }
    resolved[name] = await typed(spec.type, value, path, ctx);
    if (spec.enum && !spec.enum.includes(String(resolved[name]))) throw new StepInputError(path, `must be one of ${spec.enum.join(', ')}`);
  }
  return resolved;
}

async function typed(type: string, value: unknown, path: string, ctx: PlanContext): Promise<unknown> {
  switch (type) {
    case 'host': {
      const host = await ctx.resolveHost(value, path, false);
      return { id: host.id, name: host.name, address: host.address };
    }
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new StepInputError(path, 'must be an integer');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new StepInputError(path, 'must be true or false');
      return value;
    case 'ip':
      if (typeof value !== 'string' || !IPV4.test(value)) throw new StepInputError(path, 'must be an IPv4 address');
      return value;
    case 'cidr':
      if (typeof value !== 'string' || !CIDR4.test(value)) throw new StepInputError(path, 'must be an IPv4 address with a prefix length');
      return value;
    case 'duration':
      if (parseDuration(value) === undefined) throw new StepInputError(path, 'must be a duration such as 10s');
      return value;
    default:
      if (typeof value !== 'string' || value.length > 4096) throw new StepInputError(path, 'must be a string of at most 4096 characters');
      return value;
  }
}

/** Substitutes placeholders, checks the values now known, and lets the step build its exact actions. */
export async function planStep(step: StepDef, path: string, registry: StepRegistry, template: Record<string, unknown>, ctx: PlanContext): Promise<StepPlan> {
  const handler = registry.get(step.type);
  const spec = stepKind(step.type);
  if (!handler || !spec) throw new StepInputError(`${path}.type`, `step type ${step.type} cannot run in this version`);
  let fields: Record<string, unknown>;
  try {
    fields = render(step.with, template, `${path}.with`) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TemplateError) throw new StepInputError(error.path, error.message);
    throw error;
  }
  for (const [name, value] of Object.entries(fields)) {
    if (value === null || value === undefined) {
      delete fields[name];
      continue;
    }
    const field = Object.hasOwn(spec.fields, name) ? spec.fields[name] : undefined;
    const problem = field && fieldProblem(field, value);
    if (problem) throw new StepInputError(`${path}.with.${name}`, problem);
  }
  for (const [name, field] of Object.entries(spec.fields)) if (isRequired(field) && fields[name] === undefined) throw new StepInputError(`${path}.with.${name}`, 'is required (its placeholder had no value)');
  return handler.plan(fields, ctx, `${path}.with`);
}

export function templateContext(params: Record<string, unknown>, ctx: PlanContext): Record<string, unknown> {
  return {
    params,
    resource: ctx.resource ?? {},
    incident: ctx.incidentId ? { id: ctx.incidentId } : {},
    run: ctx.runId ? { id: ctx.runId } : {},
    steps: {},
  };
}

/** Every step's exact commands and API calls, parameters resolved, nothing executed. */
export async function dryRun(definition: RunbookDefinition, given: Record<string, unknown>, registry: StepRegistry, ctx: PlanContext): Promise<StepPreview[]> {
  const params = await resolveParams(definition, given, ctx);
  const template = templateContext(params, ctx);
  let refused = false;
  const preview = async (step: StepDef, path: string): Promise<StepPreview> => {
    const plan = await planStep(step, path, registry, template, ctx);
    (template.steps as Record<string, unknown>)[stepKey(step.name)] = plan.outputs ?? {};
    if (plan.refusal) refused = true;
    const compensate = typeof step.on_failure === 'object' ? await Promise.all(step.on_failure.compensate.map((c, i) => preview(c, `${path}.on_failure.compensate[${i}]`))) : [];
    return {
      name: step.name,
      type: step.type,
      path,
      idempotent: registry.get(step.type)!.idempotent(step),
      actions: plan.actions.map(({ kind, target, command }) => ({ kind, target, command })),
      compensate,
    };
  };
  const steps: StepPreview[] = [];
  for (const [index, step] of definition.steps.entries()) {
    steps.push(await preview(step, `steps[${index}]`));
    if (refused) break;
  }
  return steps;
}

/** How a step is named in `{{ steps.<name>.… }}`: its name with anything but letters, digits and _ as _. */
export function stepKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
