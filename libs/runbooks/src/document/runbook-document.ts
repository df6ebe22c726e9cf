import { parseDocument } from 'yaml';
import { type DocumentError, type OnFailure, PARAM_TYPES, type ParamSpec, type ParamType, type RunbookDefinition, type StepDef } from './definition.js';
import { fieldProblem, isRequired } from '#lib/common';
import { STEP_KINDS, stepKind } from '../steps/step-kinds.js';
import { placeholders, TEMPLATE_ROOTS } from './template.js';

export const MAX_SOURCE_BYTES = 64 * 1024;
const MAX_STEPS = 50;
const NAME = /^[a-z0-9][a-z0-9._/-]{0,79}$/;
const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$/;

export type DocumentFormat = 'yaml' | 'json';

export type ParseOutcome = { ok: true; definition: RunbookDefinition; format: DocumentFormat } | { ok: false; errors: DocumentError[] };

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);

/**
 * Warnings for placeholders inside an `sh -c` script in `argv`: each argv entry is quoted, but a value substituted
 * into the script text of `sh -c '…{{ params.x }}…'` is parsed by that shell, so it can add commands.
 */
export function shellScriptWarnings(source: string): DocumentError[] {
  const parsed = parseRunbook(source);
  if (!parsed.ok) return [];
  const warnings: DocumentError[] = [];
  const visit = (steps: StepDef[], base: string): void => steps.forEach((step, i) => {
    const path = `${base}[${i}]`;
    const argv = Array.isArray(step.with.argv) ? step.with.argv.map(String) : [];
    const shell = argv.length > 2 && SHELLS.has(argv[0]!.split('/').pop()!) && argv.indexOf('-c') > 0 ? argv.indexOf('-c') + 1 : -1;
    if (shell > 0 && shell < argv.length && placeholders(argv[shell]).length > 0) {
      warnings.push({ path: `${path}.with.argv[${shell}]`, severity: 'warning', message: `warning: {{ ${placeholders(argv[shell])[0]} }} is substituted into a shell script (${argv[0]} -c) and runs as shell code; pass it as a separate argv entry ("$1") instead` });
    }
    if (typeof step.on_failure === 'object') visit(step.on_failure.compensate, `${path}.on_failure.compensate`);
  });
  visit(parsed.definition.steps, 'steps');
  return warnings;
}

/** Parses YAML or JSON (JSON is YAML, but a leading `{` is parsed as JSON for exact error positions). */
export function parseRunbook(source: string): ParseOutcome {
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) return { ok: false, errors: [{ path: 'document', message: `is larger than ${MAX_SOURCE_BYTES / 1024} KiB` }] };
  const format: DocumentFormat = source.trimStart().startsWith('{') ? 'json' : 'yaml';
  let raw: unknown;
  if (format === 'json') {
    try {
      raw = JSON.parse(source);
    } catch (error) {
      return { ok: false, errors: [{ path: 'document', message: `is not valid JSON: ${(error as Error).message}` }] };
    }
  } else {
    const doc = parseDocument(source, { uniqueKeys: true });
    if (doc.errors.length) return { ok: false, errors: doc.errors.map((e) => ({ path: 'document', message: `is not valid YAML: ${e.message.split('\n')[0]}` })) };
    try {
      raw = doc.toJS({ maxAliasCount: 10 });
    } catch (error) {
      // The yaml package refuses alias bombs ("billion laughs") here: a field error, not an INTERNAL one.
      return { ok: false, errors: [{ path: 'document', message: `is refused: ${(error as Error).message} (at most 10 aliases)` }] };
    }
  }
  const errors: DocumentError[] = [];
  const definition = validate(raw, errors);
  return errors.length || !definition ? { ok: false, errors } : { ok: true, definition, format };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: string[], path: string, errors: DocumentError[]): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) errors.push({ path: `${path}${path ? '.' : ''}${key}`, message: `is not a known field (expected one of ${allowed.join(', ')})` });
}

function validate(raw: unknown, errors: DocumentError[]): RunbookDefinition | undefined {
  if (!isMap(raw)) {
    errors.push({ path: 'document', message: 'must be a mapping with name, params and steps' });
    return undefined;
  }
  unknownKeys(raw, ['name', 'description', 'params', 'steps'], '', errors);
  if (typeof raw.name !== 'string' || !NAME.test(raw.name)) errors.push({ path: 'name', message: 'is required: lower-case letters, digits, . _ / -, at most 80 characters' });
  if (raw.description !== undefined && (typeof raw.description !== 'string' || raw.description.length > 2000)) errors.push({ path: 'description', message: 'must be text of at most 2000 characters' });
  const params = validateParams(raw.params, errors);
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
    errors.push({ path: 'steps', message: 'is required: a list of at least one step' });
    return undefined;
  }
  if (raw.steps.length > MAX_STEPS) errors.push({ path: 'steps', message: `may have at most ${MAX_STEPS} steps` });
  const steps = validateSteps(raw.steps, 'steps', params, errors, true);
  return { name: String(raw.name), description: typeof raw.description === 'string' ? raw.description : '', params, steps };
}

function validateParams(raw: unknown, errors: DocumentError[]): Record<string, ParamSpec> {
  const params: Record<string, ParamSpec> = {};
  if (raw === undefined || raw === null) return params;
  if (!isMap(raw)) {
    errors.push({ path: 'params', message: 'must be a mapping of parameter name to { type, required, default }' });
    return params;
  }
  for (const [name, spec] of Object.entries(raw)) {
    const path = `params.${name}`;
    if (!/^[a-z_][a-z0-9_]{0,39}$/.test(name)) errors.push({ path, message: 'parameter names are lower-case letters, digits and _' });
    if (!isMap(spec)) {
      errors.push({ path, message: 'must be a mapping with a type' });
      continue;
    }
    unknownKeys(spec, ['type', 'required', 'default', 'description', 'enum'], path, errors);
    if (!PARAM_TYPES.includes(spec.type as ParamType)) errors.push({ path: `${path}.type`, message: `must be one of ${PARAM_TYPES.join(', ')}` });
    if (spec.required !== undefined && typeof spec.required !== 'boolean') errors.push({ path: `${path}.required`, message: 'must be true or false' });
    if (spec.enum !== undefined && (!Array.isArray(spec.enum) || spec.enum.some((v) => typeof v !== 'string'))) errors.push({ path: `${path}.enum`, message: 'must be a list of strings' });
    params[name] = {
      type: spec.type as ParamType,
      required: spec.required !== false && spec.default === undefined,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      ...(Array.isArray(spec.enum) ? { enum: spec.enum as string[] } : {}),
    };
  }
  return params;
}

function validateSteps(raw: unknown[], base: string, params: Record<string, ParamSpec>, errors: DocumentError[], allowCompensate: boolean): StepDef[] {
  const names = new Set<string>();
  return raw.map((step, index) => {
    const path = `${base}[${index}]`;
    if (!isMap(step)) {
      errors.push({ path, message: 'must be a mapping with name and type' });
      return { name: `step-${index}`, type: 'invalid', with: {}, on_failure: 'abort' };
    }
    unknownKeys(step, ['name', 'type', 'with', 'on_failure', 'idempotent'], path, errors);
    const name = typeof step.name === 'string' ? step.name : `step-${index + 1}`;
    if (step.name !== undefined && (typeof step.name !== 'string' || !STEP_NAME.test(step.name))) errors.push({ path: `${path}.name`, message: 'must be letters, digits, space . _ -, at most 80 characters' });
    if (names.has(name)) errors.push({ path: `${path}.name`, message: `"${name}" is used by an earlier step` });
    names.add(name);
    const type = String(step.type);
    const spec = stepKind(type);
    const label = `${path} (${name})`;
    if (!spec) errors.push({ path: `${path}.type`, message: `${label}: unknown step type ${JSON.stringify(step.type)}; known: ${STEP_KINDS.map((k) => k.type).join(', ')}` });
    const withBlock = step.with === undefined ? {} : step.with;
    if (!isMap(withBlock)) errors.push({ path: `${path}.with`, message: 'must be a mapping of the step\'s fields' });
    else if (spec) validateWith(type, withBlock, `${path}.with`, params, errors);
    if (step.idempotent !== undefined && typeof step.idempotent !== 'boolean') errors.push({ path: `${path}.idempotent`, message: 'must be true or false' });
    return {
      name,
      type,
      with: isMap(withBlock) ? withBlock : {},
      on_failure: validateOnFailure(step.on_failure, `${path}.on_failure`, params, errors, allowCompensate),
      ...(typeof step.idempotent === 'boolean' ? { idempotent: step.idempotent } : {}),
    };
  });
}

function validateWith(type: string, block: Record<string, unknown>, path: string, params: Record<string, ParamSpec>, errors: DocumentError[]): void {
  const spec = stepKind(type)!;
  unknownKeys(block, Object.keys(spec.fields), path, errors);
  for (const [field, fieldSpec] of Object.entries(spec.fields)) {
    const value = block[field];
    const fieldPath = `${path}.${field}`;
    if (value === undefined) {
      if (isRequired(fieldSpec)) errors.push({ path: fieldPath, message: 'is required' });
      continue;
    }
    for (const expression of placeholders(value)) {
      const [root, name] = expression.split('.');
      if (!(TEMPLATE_ROOTS as readonly string[]).includes(root!)) errors.push({ path: fieldPath, message: `{{ ${expression} }}: placeholders start with ${TEMPLATE_ROOTS.join(', ')}` });
      else if (root === 'params' && (!name || !(name in params))) errors.push({ path: fieldPath, message: `{{ ${expression} }}: no parameter ${JSON.stringify(name ?? '')} is declared` });
    }
    // A value with placeholders is checked once substituted (dry-run and run); literal values are checked now.
    if (placeholders(value).length > 0) continue;
    const problem = fieldProblem(fieldSpec, value);
    if (problem) errors.push({ path: fieldPath, message: problem });
  }
  const across = spec.check?.(block);
  if (across) errors.push({ path: `${path}.${across.field}`, message: across.message });
}

function validateOnFailure(raw: unknown, path: string, params: Record<string, ParamSpec>, errors: DocumentError[], allowCompensate: boolean): OnFailure {
  if (raw === undefined || raw === 'abort') return 'abort';
  if (raw === 'continue') return 'continue';
  if (allowCompensate && isMap(raw) && Array.isArray(raw.compensate) && Object.keys(raw).length === 1) {
    if (raw.compensate.length === 0 || raw.compensate.length > 10) errors.push({ path: `${path}.compensate`, message: 'needs 1 to 10 steps' });
    return { compensate: validateSteps(raw.compensate, `${path}.compensate`, params, errors, false) };
  }
  errors.push({ path, message: allowCompensate ? 'must be abort, continue, or { compensate: [steps] }' : 'must be abort or continue inside compensating steps' });
  return 'abort';
}
