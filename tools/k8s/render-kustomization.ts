import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object: what `kubectl kustomize` prints, one per document. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { patch?: string; path?: string }[];
}

/**
 * The subset of kustomize that deploy/k8s uses — resources (files and directories), namespace, images, and
 * `$patch: delete` patches — so CI renders the manifests without a kustomize binary (none is installable from npm).
 * Anything else in a kustomization is refused by name rather than ignored: a field this renderer does not apply
 * would make it print something kustomize would not. Where kubectl exists, a test checks both render the same.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const kustomization = readKustomization(dir);
  let objects: K8sObject[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = join(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path)));
  }
  for (const patch of kustomization.patches ?? []) objects = applyDeletePatch(objects, patch, dir);
  if (kustomization.namespace) objects = objects.map((o) => withNamespace(o, kustomization.namespace!));
  for (const image of kustomization.images ?? []) objects = objects.map((o) => withImage(o, image));
  return objects;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);

function readKustomization(dir: string): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  const [doc, ...more] = readYaml(file);
  if (!doc || more.length || typeof doc !== 'object') throw new Error(`${file}: expected one kustomization document`);
  const unsupported = Object.keys(doc).filter((k) => !SUPPORTED.has(k));
  if (unsupported.length) throw new Error(`${file}: ${unsupported.join(', ')} not supported by tools/k8s/render-kustomization.ts (add it there, checked against kubectl kustomize)`);
  return doc as Kustomization;
}

function readYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  }).filter((doc) => doc !== null && doc !== undefined);
}

function readObjects(file: string): K8sObject[] {
  return readYaml(file).map((doc, i) => {
    const o = doc as Partial<K8sObject>;
    if (!o?.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${file}: document ${i + 1} lacks apiVersion, kind or metadata.name`);
    return o as K8sObject;
  });
}

function applyDeletePatch(objects: K8sObject[], entry: { patch?: string; path?: string }, dir: string): K8sObject[] {
  const docs = entry.patch !== undefined ? readYamlText(entry.patch) : readYaml(join(dir, entry.path ?? ''));
  for (const doc of docs) {
    const patch = doc as Partial<K8sObject> & { $patch?: string };
    if (patch.$patch !== 'delete') throw new Error(`${dir}: only "$patch: delete" patches are supported by tools/k8s/render-kustomization.ts`);
    const matches = (o: K8sObject): boolean => o.kind === patch.kind && o.apiVersion === patch.apiVersion && o.metadata.name === patch.metadata?.name;
    if (!objects.some(matches)) throw new Error(`${dir}: the delete patch matches nothing (${patch.kind} ${patch.metadata?.name})`);
    objects = objects.filter((o) => !matches(o));
  }
  return objects;
}

function readYamlText(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
}

/** Kinds without a namespace that deploy/k8s might one day hold; kustomize leaves them alone too. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

function withNamespace(o: K8sObject, namespace: string): K8sObject {
  return CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } };
}

interface Container { image?: string; [key: string]: unknown }

function withImage(o: K8sObject, image: { name: string; newName?: string; newTag?: string }): K8sObject {
  const podSpec = (o.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } | undefined)?.template?.spec;
  if (!podSpec) return o;
  const rename = (c: Container): Container => {
    const [name, tag] = splitImage(c.image ?? '');
    if (name !== image.name) return c;
    return { ...c, image: `${image.newName ?? name}${image.newTag ?? tag ? `:${image.newTag ?? tag}` : ''}` };
  };
  const spec = { ...podSpec, containers: podSpec.containers?.map(rename), ...(podSpec.initContainers ? { initContainers: podSpec.initContainers.map(rename) } : {}) };
  const outer = o.spec as { template: Record<string, unknown> };
  return { ...o, spec: { ...outer, template: { ...outer.template, spec } } };
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}
