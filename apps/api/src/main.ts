import 'reflect-metadata';
import { FirstRunService } from '#lib/tenancy';
import { runVigiaProcess } from '#lib/runtime';
import { ApiAppModule } from './api-app.module.js';

await runVigiaProcess({
  name: 'api',
  defaultRoles: ['api', 'watchdog'],
  module: (config) => ApiAppModule.forRoot(config),
  async afterListen(app, config, embedded) {
    const outcome = await app.get(FirstRunService).ensureFirstTenant(embedded);
    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    const lines = [
      '',
      `  Vigia is running (${[...config.roles].join(' + ')}).`,
      `  Dashboard:    ${base}/`,
      `  GraphQL API:  ${base}/graphql`,
      `  Health:       ${base}/healthz   ${base}/readyz   ${base}/metrics`,
    ];
    if (outcome) {
      lines.push(`  Log in:       tenant "${outcome.tenant}", e-mail ${outcome.email}` +
        (outcome.generatedPassword ? `, password ${outcome.generatedPassword}` : ', the password you configured'));
      if (outcome.generatedPassword) lines.push(`                (also saved in ${config.dataDir}/initial-credentials.txt)`);
    } else {
      lines.push(`  Log in:       with your tenant, e-mail and password (first start's credentials: ${config.dataDir}/initial-credentials.txt)`);
    }
    lines.push(
      `  Example:      curl -s ${base}/graphql -H 'content-type: application/json' \\`,
      `                  -d '{"query":"mutation { login(input: {tenant: \\"demo\\", email: \\"admin@example.com\\", password: \\"…\\"}) { token } }"}'`,
      '  Stop with Ctrl-C.',
      '',
    );
    process.stdout.write(lines.join('\n') + '\n');
  },
});
