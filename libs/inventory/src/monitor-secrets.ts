import { secretPaths as declaredSecrets, VigiaException } from '#lib/common';
import { probeKind } from '#lib/probes';
import type { SecretBox } from '#lib/secrets';

/** What the API shows, and takes back, in place of a stored credential. */
export const SEALED = '<sealed>';

export type MonitorSecrets = Record<string, string>;

/** Paths of the credentials in a config (`password`, `headers.Authorization`): the probe kind's `secret` fields. */
export function secretPaths(type: string, config: Record<string, unknown>): string[] {
  const kind = probeKind(type);
  return kind ? declaredSecrets(kind.config, config) : [];
}

function read(config: Record<string, unknown>, path: string): unknown {
  const [head, tail] = splitPath(path);
  const value = config[head];
  return tail === undefined ? value : (value as Record<string, unknown> | undefined)?.[tail];
}

function write(config: Record<string, unknown>, path: string, value: string): void {
  const [head, tail] = splitPath(path);
  if (tail === undefined) config[head] = value;
  else config[head] = { ...((config[head] as Record<string, unknown> | undefined) ?? {}), [tail]: value };
}

function remove(config: Record<string, unknown>, path: string): void {
  const [head, tail] = splitPath(path);
  if (tail === undefined) delete config[head];
  else if (config[head] && typeof config[head] === 'object') delete (config[head] as Record<string, unknown>)[tail];
}

function splitPath(path: string): [string, string | undefined] {
  const dot = path.indexOf('.');
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}

/**
 * Separates the credentials from a config about to be saved. The config keeps `<sealed>` where each one was; the
 * credentials come back apart, to be sealed. `<sealed>` in the input, or a credential left out of it (same probe
 * type), keeps the stored one: a client that read the monitor can send its config back unchanged. An empty string
 * removes it.
 */
export function separateSecrets(
  type: string,
  input: Record<string, unknown>,
  stored: MonitorSecrets,
  keepOmitted: boolean,
  field = 'input.config',
): { config: Record<string, unknown>; secrets: MonitorSecrets } {
  const config = structuredClone(input);
  const secrets: MonitorSecrets = {};
  const removed = new Set<string>();
  for (const path of secretPaths(type, config)) {
    const value = read(config, path) as string;
    if (value === SEALED) {
      if (stored[path] === undefined) throw VigiaException.invalid(`${field}.${path}`, `"${SEALED}" stands for the stored secret, and there is none: send the value`);
      secrets[path] = stored[path];
    } else if (value !== '') {
      secrets[path] = value;
      write(config, path, SEALED);
    } else {
      // Removed: the setting goes too, so the monitor reads as having none (not as an empty credential).
      remove(config, path);
      removed.add(path);
    }
  }
  if (keepOmitted) {
    for (const [path, value] of Object.entries(stored)) {
      if (secrets[path] !== undefined || removed.has(path) || read(config, path) !== undefined) continue;
      secrets[path] = value;
      write(config, path, SEALED);
    }
  }
  return { config, secrets };
}

/** The row id is authenticated with the value: a sealed blob copied to another monitor does not open. */
const contextOf = (monitorId: string): string => `monitors:${monitorId}`;

export function sealSecrets(box: SecretBox, monitorId: string, secrets: MonitorSecrets): string | null {
  return Object.keys(secrets).length ? box.seal(JSON.stringify(secrets), contextOf(monitorId)) : null;
}

export function openSecrets(box: SecretBox, monitorId: string, sealed: string | null | undefined): MonitorSecrets {
  return sealed ? (JSON.parse(box.open(sealed, contextOf(monitorId))) as MonitorSecrets) : {};
}

/** The config a probe runs with: the credentials back in place of `<sealed>`. */
export function revealSecrets(config: Record<string, unknown>, secrets: MonitorSecrets): Record<string, unknown> {
  const paths = Object.keys(secrets);
  if (!paths.length) return config;
  const revealed = structuredClone(config);
  for (const path of paths) write(revealed, path, secrets[path]!);
  return revealed;
}
