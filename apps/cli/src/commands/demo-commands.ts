import { createInterface } from 'node:readline/promises';
import { ApiClient } from './api-client.js';
import { CliError, EXIT } from './exit-codes.js';
import { say } from './output.js';
import { resolveTarget } from './profiles.js';

/**
 * `vigia demo remove`: deletes the live demo company of the token's tenant (its inventory, failover unit, runbook,
 * alerting, history and caught mails) and stops its servers; the tenant and its users stay. Asks unless `--yes`.
 */
export async function demoRemoveCommand(options: { profile?: string; yes?: boolean }): Promise<number> {
  const api = new ApiClient(await resolveTarget(options.profile));
  const { demoCompany } = await api.call<{ demoCompany: { installedAt: string; servers: { name: string }[] } | null }>('{ demoCompany { installedAt servers { name } } }');
  if (!demoCompany) throw new CliError('this tenant holds no live demo', EXIT.usage);
  if (!options.yes) {
    if (!process.stdin.isTTY) throw new CliError('removing the demo needs --yes when there is no terminal to confirm on', EXIT.declined);
    say(`The demo of ${demoCompany.installedAt} goes: its hosts, monitors, customers, incidents and history, the failover unit and runbook, the mail catcher's mails; its servers (${demoCompany.servers.map((s) => s.name).join(', ')}) stop. The tenant and its users stay.`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question('Remove it? Type "yes": ');
    rl.close();
    if (answer.trim() !== 'yes') throw new CliError('not removed', EXIT.declined);
  }
  await api.call('mutation { removeDemo }');
  say('demo removed');
  return EXIT.ok;
}
