import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './render-kustomization.js';

/** A built-in kind's model: constructing it with the object and calling validate() checks it against the API schema. */
type BuiltIn = new (data: never) => { validate(): void };

/**
 * Built-in kinds, validated with kubernetes-models (generated from the Kubernetes OpenAPI schemas: types, required
 * fields, enums, int-or-string). A kind not listed here is refused, so a new manifest cannot go unchecked.
 */
const BUILT_IN: Record<string, BuiltIn> = {
  'v1/ConfigMap': ConfigMap as unknown as BuiltIn,
  'v1/Secret': Secret as unknown as BuiltIn,
  'v1/Service': Service as unknown as BuiltIn,
  'v1/Namespace': Namespace as unknown as BuiltIn,
  'apps/v1/Deployment': Deployment as unknown as BuiltIn,
  'apps/v1/DaemonSet': DaemonSet as unknown as BuiltIn,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as BuiltIn,
};

/** Custom resources, validated against their vendored CRD (deploy/k8s/schemas, each with where it came from). */
const CRDS: Record<string, string> = {
  'postgresql.cnpg.io/v1/Cluster': 'deploy/k8s/schemas/cloudnative-pg/postgresql.cnpg.io_clusters.yaml',
};

export interface Invalid {
  object: string;
  errors: string[];
}

/** Every object checked against its schema; the ones that fail, each with its reasons. Empty: all valid. */
export function validateObjects(objects: K8sObject[], root = process.cwd()): Invalid[] {
  const invalid: Invalid[] = [];
  for (const o of objects) {
    const errors = validateObject(o, root);
    if (errors.length) invalid.push({ object: `${o.kind} ${o.metadata?.name ?? '(no name)'}`, errors });
  }
  return invalid;
}

function validateObject(o: K8sObject, root: string): string[] {
  const key = `${o.apiVersion}/${o.kind}`;
  const model = BUILT_IN[key];
  if (model) {
    try {
      new model(o as never).validate();
      return [];
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)];
    }
  }
  const crd = CRDS[key];
  if (!crd) return [`no schema for ${key}: add its model or CRD to tools/k8s/validate-objects.ts`];
  const validate = crdValidator(`${root}/${crd}`, o.apiVersion);
  return validate(o) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

const compiled = new Map<string, ValidateFunction>();

/**
 * The CRD's openAPIV3Schema for that version, made strict the way the API server's strict field validation is:
 * a field the schema does not declare is an error (unless the schema preserves unknown fields there). Not checked:
 * CEL rules (x-kubernetes-validations) and formats — the API server still checks those on apply.
 */
function crdValidator(file: string, apiVersion: string): ValidateFunction {
  const cacheKey = `${file}#${apiVersion}`;
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const crd = parse(readFileSync(file, 'utf8')) as { spec: { group: string; versions: { name: string; schema: { openAPIV3Schema: object } }[] } };
  const version = crd.spec.versions.find((v) => `${crd.spec.group}/${v.name}` === apiVersion);
  if (!version) throw new Error(`${file}: no version ${apiVersion}`);
  // strict: false: the schema carries Kubernetes' own x-kubernetes-* keywords, which ajv does not know.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(strictFields(version.schema.openAPIV3Schema) as object);
  compiled.set(cacheKey, validate);
  return validate;
}

type Schema = { [key: string]: unknown };

function strictFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictFields);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema as Schema)) out[k] = k === 'properties' ? mapValues(v as Schema, strictFields) : strictFields(v);
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

function mapValues(o: Schema, f: (v: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
