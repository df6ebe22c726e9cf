import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FleetCollector, type ImportedFleet } from '../imported-fleet.js';
import { hostPortOf, isMapped } from '../mapped-check.js';
import { asString, durationMs, isRecord, YamlSource } from '../yaml-source.js';
import { mapBlackboxModule } from './blackbox-modules.js';

/**
 * Prometheus' blackbox_exporter setup: `prometheus.yml` (jobs probing through /probe with `params.module`, targets
 * from `static_configs` and `file_sd_configs`) and `blackbox.yml` (the modules) beside it. PATH is the folder holding
 * both, or the prometheus.yml.
 */
export function importPrometheus(source: string): ImportedFleet {
  const dir = statSync(source).isDirectory() ? source : path.dirname(source);
  const promFile = statSync(source).isDirectory() ? path.join(dir, 'prometheus.yml') : source;
  const out = new FleetCollector('prometheus');
  const prom = load(out, promFile);
  const blackboxFile = path.join(dir, 'blackbox.yml');
  const blackbox = existsSync(blackboxFile) ? load(out, blackboxFile) : undefined;
  if (!blackbox) out.skip(promFile, 'blackbox.yml', 'no blackbox.yml beside prometheus.yml: modules unknown, nothing imported');
  const modules = isRecord(blackbox?.value) && isRecord(blackbox.value.modules) ? blackbox.value.modules : {};
  const config = isRecord(prom.value) ? prom.value : {};
  const global = isRecord(config.global) ? config.global : {};
  const jobs = Array.isArray(config.scrape_configs) ? config.scrape_configs : [];
  jobs.forEach((job, i) => {
    if (isRecord(job)) importJob(out, prom, dir, job, i, modules, durationMs(global.scrape_interval) ?? 60_000);
  });
  return out.result();
}

function load(out: FleetCollector, file: string): YamlSource {
  const src = new YamlSource(file);
  for (const e of src.errors) out.skip(e.origin, 'YAML', e.why);
  return src;
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
  origin: string;
}

function importJob(out: FleetCollector, prom: YamlSource, dir: string, job: Record<string, unknown>, i: number, modules: Record<string, unknown>, defaultInterval: number): void {
  const name = asString(job.job_name) ?? `job ${i + 1}`;
  const origin = prom.origin(['scrape_configs', i]);
  if (asString(job.metrics_path) !== '/probe') {
    out.skip(origin, `job ${name}`, 'not a blackbox job (metrics_path is not /probe): scraping metrics is not what Vigia does');
    return;
  }
  const params = isRecord(job.params) ? job.params : {};
  const jobModule = Array.isArray(params.module) ? asString(params.module[0]) : undefined;
  const intervalMs = durationMs(job.scrape_interval) ?? defaultInterval;
  for (const group of targetGroups(out, prom, dir, job, i)) {
    const moduleName = group.labels.__param_module ?? group.labels.module ?? jobModule;
    const module = moduleName ? modules[moduleName] : undefined;
    for (const target of group.targets) {
      const what = `${name} target ${target}`;
      if (!moduleName || !isRecord(module)) {
        out.skip(group.origin, what, moduleName ? `module ${moduleName} is not in blackbox.yml` : 'no module: neither params.module nor a module label');
        continue;
      }
      const mapped = mapBlackboxModule(module, target);
      if (!isMapped(mapped)) {
        out.skip(group.origin, what, `module ${moduleName}: ${mapped.why}`);
        continue;
      }
      const host = out.hostFor(hostPortOf(target).host, group.origin);
      const labels = Object.entries(group.labels).filter(([k]) => !k.startsWith('__') && k !== 'module');
      const monitor = out.monitor({
        name: `${name} ${target}`, host, type: mapped.type, config: mapped.config, intervalMs,
        timeoutMs: mapped.timeoutMs ?? durationMs(job.scrape_timeout) ?? 10_000,
        tags: [name, ...labels.map(([k, v]) => `${k}=${v}`)], secretsNeeded: mapped.secretsNeeded ?? [], origin: group.origin,
      });
      if (monitor) for (const note of mapped.notes ?? []) out.skip(group.origin, `monitor "${monitor.name}"`, note);
    }
  }
}

function targetGroups(out: FleetCollector, prom: YamlSource, dir: string, job: Record<string, unknown>, i: number): TargetGroup[] {
  const groups: TargetGroup[] = [];
  const add = (raw: unknown, origin: string) => {
    if (!isRecord(raw)) return;
    const labels = isRecord(raw.labels) ? Object.fromEntries(Object.entries(raw.labels).map(([k, v]) => [k, String(v)])) : {};
    groups.push({ targets: Array.isArray(raw.targets) ? raw.targets.map(String) : [], labels, origin });
  };
  (Array.isArray(job.static_configs) ? job.static_configs : []).forEach((g, j) => add(g, prom.origin(['scrape_configs', i, 'static_configs', j])));
  (Array.isArray(job.file_sd_configs) ? job.file_sd_configs : []).forEach((sd, j) => {
    for (const pattern of isRecord(sd) && Array.isArray(sd.files) ? sd.files.map(String) : []) {
      const files = expandGlob(path.resolve(dir, pattern));
      if (!files.length) out.skip(prom.origin(['scrape_configs', i, 'file_sd_configs', j]), `file_sd ${pattern}`, 'no file matches');
      for (const file of files) {
        const src = load(out, file);
        // file_sd files are YAML or JSON (JSON is YAML), a list of target groups.
        (Array.isArray(src.value) ? src.value : []).forEach((g, k) => add(g, src.origin([k])));
      }
    }
  });
  if (!groups.length) out.skip(prom.origin(['scrape_configs', i]), `job ${asString(job.job_name)}`, 'no static_configs or file_sd_configs targets (other discovery is not read)');
  return groups;
}

/** `targets/*.yml`: a `*` in the file name only, as file_sd allows. */
function expandGlob(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!base.includes('*')) return existsSync(pattern) ? [pattern] : [];
  if (!existsSync(dir)) return [];
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => path.join(dir, f));
}
