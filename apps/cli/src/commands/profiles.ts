import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';

/** Where the API is and who calls it. */
export interface Target {
  url: string;
  token: string;
}

/** `~/.config/vigia/profiles.json` (or $XDG_CONFIG_HOME/vigia, or VIGIA_PROFILES): `{ "profiles": { "prod": { "url": …, "token": … | "tokenEnv": … } } }`. */
export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIA_PROFILES ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'vigia', 'profiles.json');
}

interface Profile {
  url?: string;
  token?: string;
  /** The token read from this environment variable instead of the file. */
  tokenEnv?: string;
}

/**
 * The target of a command: VIGIA_URL and VIGIA_TOKEN win; else the profile named by --profile or VIGIA_PROFILE (or
 * `default`) from the profiles file. Only the API is ever spoken to: the CLI never opens a server's database.
 */
export async function resolveTarget(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const name = profile ?? env.VIGIA_PROFILE;
  let fromFile: Profile = {};
  if (name || !env.VIGIA_URL || !env.VIGIA_TOKEN) {
    const path = profilesPath(env);
    const profiles = await readProfiles(path, !!name);
    fromFile = profiles[name ?? 'default'] ?? {};
    if (name && !profiles[name]) throw new CliError(`profile ${name} is not in ${path}`, EXIT.usage);
  }
  const url = env.VIGIA_URL ?? fromFile.url;
  const token = env.VIGIA_TOKEN ?? fromFile.token ?? (fromFile.tokenEnv ? env[fromFile.tokenEnv] : undefined);
  if (!url) throw new CliError('no API: set VIGIA_URL (e.g. https://vigia.example.com) or use --profile (see docs/cli.md)', EXIT.usage);
  if (!token) throw new CliError('no API token: set VIGIA_TOKEN or a profile\'s token (create one in the dashboard: Settings → API tokens)', EXIT.auth);
  // "127.0.0.1:3000" read as an unknown scheme ("Invalid URL"): say what is missing.
  if (!/^https?:\/\/[^/]/i.test(url)) throw new CliError(`the API's address ${url} must start with http:// or https:// (e.g. http://${url.replace(/^[a-z]+:\/*/i, '')})`, EXIT.usage);
  return { url: url.replace(/\/+$/, ''), token };
}

async function readProfiles(path: string, required: boolean): Promise<Record<string, Profile>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    const parsed = JSON.parse(text) as { profiles?: Record<string, Profile> };
    return parsed.profiles ?? {};
  } catch {
    throw new CliError(`${path} is not JSON of the form { "profiles": { "<name>": { "url": …, "token": … } } }`, EXIT.usage);
  }
}
