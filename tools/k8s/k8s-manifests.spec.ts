import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadVigiaConfig } from '#lib/config';
import { type K8sObject, renderKustomization } from './render-kustomization.js';
import { validateObjects } from './validate-objects.js';

const KUSTOMIZATIONS = ['deploy/k8s/base', 'deploy/k8s/agent', 'deploy/k8s/overlays/cloudnativepg'];

interface Probe { httpGet?: { path: string; port: string | number } }
interface Container {
  name: string;
  image: string;
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  affinity?: { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown[] } };
}
type Workload = K8sObject & { spec: { replicas?: number; template: { spec: PodSpec; metadata: { labels: Record<string, string> } } } };

const render = (dir: string): K8sObject[] => renderKustomization(dir);
const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} not rendered`);
  return found;
};
const workloads = (objects: K8sObject[]): Workload[] => objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'DaemonSet');

describe('deploy/k8s: every rendered object is valid against the Kubernetes API schemas', () => {
  it.each(KUSTOMIZATIONS)('%s renders and validates', (dir) => {
    const objects = render(dir);
    expect(objects.length).toBeGreaterThan(0);
    expect(validateObjects(objects)).toEqual([]);
  });

  it('rejects broken objects: wrong types, missing required fields, unknown kinds, unknown CRD fields', () => {
    const [api] = workloads(render('deploy/k8s/base'));
    const broken = structuredClone(api!) as K8sObject & { spec: Record<string, unknown> };
    broken.spec.replicas = 'three';
    const noPort = structuredClone(api!);
    delete (noPort.spec.template.spec.containers[0]!.livenessProbe!.httpGet as { port?: unknown }).port;
    const cluster = find(render('deploy/k8s/overlays/cloudnativepg'), 'Cluster', 'vigia-db');
    const typo = structuredClone(cluster) as K8sObject & { spec: Record<string, unknown> };
    typo.spec.instance = typo.spec.instances;
    const badCount = structuredClone(cluster) as K8sObject & { spec: Record<string, unknown> };
    badCount.spec.instances = 'three';
    const unknownKind = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };

    const invalid = validateObjects([broken, noPort, typo, badCount, unknownKind]);
    expect(invalid.map((i) => i.errors.join('; '))).toEqual([
      expect.stringMatching(/spec\/replicas must be integer/),
      expect.stringMatching(/livenessProbe\/httpGet must have required property port/),
      expect.stringMatching(/must NOT have additional properties \(instance\)/),
      expect.stringMatching(/\/spec\/instances must be integer/),
      'no schema for example.com/v1/Widget: add its model or CRD to tools/k8s/validate-objects.ts',
    ]);
  });

  it('the renderer refuses kustomization fields it does not apply, instead of ignoring them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-k8s-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\ncommonLabels: { a: b }\n');
      expect(() => renderKustomization(dir)).toThrow(/commonLabels not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // kubectl is not installed by .ci/run; where it exists (a developer's machine), it proves the renderer's fidelity.
  it.skipIf(!hasKubectl())('renders exactly what kubectl kustomize renders', () => {
    for (const dir of KUSTOMIZATIONS) {
      const theirs = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS() as K8sObject);
      const key = (o: K8sObject): string => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
      const sorted = (list: K8sObject[]): K8sObject[] => [...list].sort((a, b) => key(a).localeCompare(key(b)));
      expect(sorted(render(dir)), dir).toEqual(sorted(theirs));
    }
  });
});

describe('deploy/k8s: what the manifests promise', () => {
  const base = render('deploy/k8s/base');
  const overlay = render('deploy/k8s/overlays/cloudnativepg');
  const agent = render('deploy/k8s/agent');
  const served = [...readFileSync('libs/observability/src/health.controller.ts', 'utf8').matchAll(/@Get\('([^']+)'\)/g)].map((m) => `/${m[1]}`);
  const imageUid = Number(/useradd [^\n]*--uid (\d+)/.exec(readFileSync('deploy/Dockerfile', 'utf8'))?.[1]);

  it('API and watchdog: liveness on /healthz, readiness on /readyz — paths the processes really serve', () => {
    expect(served).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    for (const name of ['vigia-api', 'vigia-watchdog']) {
      const [container] = (find(base, 'Deployment', name) as Workload).spec.template.spec.containers;
      expect(container!.livenessProbe?.httpGet?.path, name).toBe('/healthz');
      expect(container!.readinessProbe?.httpGet?.path, name).toBe('/readyz');
      expect(served).toContain(container!.startupProbe?.httpGet?.path);
    }
  });

  it('every container: resource requests, non-root as the image user, read-only root filesystem', () => {
    expect(imageUid).toBeGreaterThan(0);
    for (const w of [...workloads(base), ...workloads(agent)]) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext, w.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: imageUid });
      for (const c of pod.containers) {
        expect(c.resources?.requests, w.metadata.name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.securityContext, w.metadata.name).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(c.image).toBe('registry.example.com/vigia:0.1.0');
      }
    }
  });

  it('watchdogs: several replicas, one per node, and a PodDisruptionBudget over exactly them', () => {
    const watchdog = find(base, 'Deployment', 'vigia-watchdog') as Workload;
    expect(watchdog.spec.replicas).toBeGreaterThanOrEqual(3);
    expect(watchdog.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'vigia-watchdog' } } },
    ]);
    const pdb = find(base, 'PodDisruptionBudget', 'vigia-watchdog') as K8sObject & { spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } } };
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(watchdog.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
  });

  it('CloudNativePG overlay: DATABASE_URL from the operator\'s <cluster>-app Secret (key uri), the placeholder Secret gone', () => {
    const cluster = find(overlay, 'Cluster', 'vigia-db');
    expect(overlay.some((o) => o.kind === 'Secret' && o.metadata.name === `${cluster.metadata.name}-app`)).toBe(false);
    expect(base.some((o) => o.kind === 'Secret' && o.metadata.name === 'vigia-db-app')).toBe(true);
    for (const w of workloads(overlay)) {
      const env = w.spec.template.spec.containers[0]!.env ?? [];
      expect(env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef, w.metadata.name).toEqual({ name: `${cluster.metadata.name}-app`, key: 'uri' });
    }
    expect(overlay.filter((o) => o.metadata.namespace !== 'vigia')).toEqual([]);
  });

  it('secrets are placeholders, and a process given the master-key placeholder refuses to start naming it', () => {
    const secrets = [...base, ...agent].filter((o) => o.kind === 'Secret') as (K8sObject & { stringData?: Record<string, string>; data?: unknown })[];
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const s of secrets) {
      expect(s.data, s.metadata.name).toBeUndefined();
      for (const value of Object.values(s.stringData ?? {})) expect(value, s.metadata.name).toMatch(/^REPLACE-ME /);
    }
    const masterKey = (find(base, 'Secret', 'vigia-master-key') as K8sObject & { stringData: Record<string, string> }).stringData;
    expect(() => loadVigiaConfig({ ...masterKey })).toThrow(ConfigError);
    expect(() => loadVigiaConfig({ ...masterKey })).toThrow(/^VIGIA_MASTER_KEY: must be 32 bytes in base64/);
  });

  it('the ConfigMaps hold only settings the processes accept', () => {
    const config = (find(base, 'ConfigMap', 'vigia-config') as K8sObject & { data: Record<string, string> }).data;
    expect(() => loadVigiaConfig(config)).not.toThrow();
    expect(loadVigiaConfig(config)).toMatchObject({ host: '0.0.0.0', port: 3000, vantage: 'central' });
  });
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
