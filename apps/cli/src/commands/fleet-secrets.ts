import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { type FleetDocument, fleetKey, isSecretRef, type LocatedProblem, secretSlots, type FleetSource } from '#lib/fleet';

/**
 * The values of a fleet's secret references, read where the CLI runs (the environment, secrets files beside the
 * fleet file): sent with the apply, sealed by the server, never written anywhere by the CLI.
 */
export async function resolveSecrets(doc: FleetDocument, source: FleetSource, fleetPath: string, env: NodeJS.ProcessEnv = process.env): Promise<{ values: Record<string, Record<string, string>>; problems: LocatedProblem[] }> {
  const values: Record<string, Record<string, string>> = {};
  const problems: LocatedProblem[] = [];
  const files = new Map<string, Promise<Record<string, unknown> | string>>();
  const load = (path: string) => {
    if (!files.has(path)) files.set(path, readFile(path, 'utf8').then((t) => (parse(t) ?? {}) as Record<string, unknown>, (e: Error) => e.message));
    return files.get(path)!;
  };
  // A channel's secret under `channel:<name>` (the server's key), as one more slot.
  const owners = [
    // A monitor's under its key, `host/name` (the server's, as names are unique per host).
    ...doc.monitors.map((monitor, i) => ({ key: fleetKey('monitors', monitor), slots: secretSlots(monitor.type, monitor.config), at: (path: string[]) => ({ path: ['monitors', i, 'config', ...path], words: `monitor ${fleetKey('monitors', monitor)}, config.${path.join('.')}` }) })),
    ...doc.channels.map((channel, i) => ({ key: `channel:${channel.name}`, slots: channel.secret ? [{ path: ['secret'], value: channel.secret }] : [], at: () => ({ path: ['channels', i, 'secret'], words: `channel ${channel.name}, secret` }) })),
    // A resource's under `resource:<name>`, each by its secret's name.
    ...doc.resources.map((resource, i) => ({ key: `resource:${resource.name}`, slots: Object.entries(resource.secrets).map(([name, value]) => ({ path: [name], value })), at: (path: string[]) => ({ path: ['resources', i, 'secrets', ...path], words: `resource ${resource.name}, secrets.${path.join('.')}` }) })),
  ];
  for (const { key, slots, at } of owners) {
    for (const slot of slots) {
      if (!isSecretRef(slot.value)) continue;
      const { path, words } = at(slot.path);
      const fail = (message: string) => problems.push(source.place({ path, message }, words));
      let value: unknown;
      if ('env' in slot.value) {
        value = env[slot.value.env];
        if (value === undefined) fail(`environment variable ${slot.value.env} is not set`);
      } else {
        const file = resolve(dirname(fleetPath), slot.value.file);
        const content = await load(file);
        if (typeof content === 'string') fail(`cannot read secrets file ${slot.value.file}: ${content}`);
        else if (typeof content[slot.value.key] !== 'string') fail(`secrets file ${slot.value.file} has no string ${slot.value.key}`);
        else value = content[slot.value.key];
      }
      if (typeof value === 'string') (values[key] ??= {})[slot.path.join('.')] = value;
    }
  }
  return { values, problems };
}
