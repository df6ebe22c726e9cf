import 'reflect-metadata';
import { DemoService } from '#lib/demo';
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
    const demo = config.roles.has('api') ? await installDemo(app.get(DemoService), outcome, embedded, config.demo) : undefined;
    const lines = [
      '',
      `  Vigia is running (${[...config.roles].join(' + ')}).`,
      `  Dashboard:    ${base}/`,
      `  GraphQL API:  ${base}/graphql`,
      `  Health:       ${base}/healthz   ${base}/readyz   ${base}/metrics`,
      egressLine(config.egress),
      ...(config.roles.has('watchdog') ? [`  Vantage:      probes here vote as "${config.vantage}" (VIGIA_VANTAGE; remote agents: the dashboard's Vantages page)`] : []),
      config.deadman.url
        ? `  Dead man's switch: a heartbeat to ${originOf(config.deadman.url)} every ${config.deadman.everyMs / 1000} s while Vigia sees (VIGIA_DEADMAN_URL)`
        : "  Dead man's switch: off (VIGIA_DEADMAN_URL: a receiver outside Vigia that alerts when the heartbeats stop)",
    ];
    if (outcome) {
      lines.push(`  Log in:       tenant "${outcome.tenant}", e-mail ${outcome.email}` +
        (outcome.generatedPassword ? `, password ${outcome.generatedPassword}` : ', the password you configured'));
      if (outcome.generatedPassword) lines.push(`                (also saved in ${config.dataDir}/initial-credentials.txt)`);
    } else {
      lines.push(`  Log in:       with your tenant, e-mail and password (first start's credentials: ${config.dataDir}/initial-credentials.txt)`);
    }
    if (demo) lines.push(...demo);
    lines.push(
      `  Example:      curl -s ${base}/graphql -H 'content-type: application/json' \\`,
      `                  -d '{"query":"mutation { login(input: {tenant: \\"demo\\", email: \\"admin@example.com\\", password: \\"…\\"}) { token } }"}'`,
      '  Stop with Ctrl-C.',
      '',
    );
    process.stdout.write(lines.join('\n') + '\n');
  },
});

/**
 * The live demo company, on the first start only (the tenant was created just now): in the quick start's tenant
 * unless VIGIA_DEMO=off, in a VIGIA_BOOTSTRAP_* tenant only with VIGIA_DEMO=on. Its lines for the banner.
 */
async function installDemo(
  demo: DemoService,
  outcome: { tenant: string; email: string; created: boolean; tenantId?: string; ownerId?: string; generatedPassword?: string } | undefined,
  embedded: boolean,
  mode: 'auto' | 'on' | 'off',
): Promise<string[] | undefined> {
  if (!outcome?.created || !outcome.tenantId || !outcome.ownerId || mode === 'off') return undefined;
  if (mode === 'auto' && !(embedded && outcome.generatedPassword)) return undefined;
  const { incidents } = await demo.install(outcome.tenantId, outcome.ownerId, demo.selfUrl());
  const status = (await demo.status(outcome.tenantId))!;
  return [
    `  Demo:         tenant "${outcome.tenant}" holds a live demo company: web-a, web-b behind a front proxy (failover unit`,
    `                demo-shop-front), a mail server (SMTP + IMAP), a DNS server, 3 customers with SLA targets, a month of history (${incidents} past incidents);`,
    `                its servers run here: ${status.servers.map((s) => `${s.name} 127.0.0.1:${s.port}`).join(', ')}.`,
    ...(status.mysqlTarget ? [`                It also watches this machine's MySQL/MariaDB at ${status.mysqlTarget} (VIGIA_DEMO_MYSQL_URL; never stopped or changed by Vigia).`] : []),
    '                Alert e-mails go to the mail catcher. Dashboard: Live demo — stop web-a there to watch a failover;',
    '                remove the demo there (or vigia demo remove) or never install it with VIGIA_DEMO=off.',
  ];
}

/**
 * What tenants' monitors, runbooks and channels may reach, said at start: the quick start keeps the production
 * default (no loopback, no private ranges), so a newcomer's first monitor of 127.0.0.1 is refused; this line says
 * why and how to open it.
 */
function egressLine(egress: { allow: readonly string[]; deny: readonly string[] }): string {
  const deny = egress.deny.length ? `; provider networks refused: ${egress.deny.join(', ')}` : '';
  return egress.allow.length
    ? `  Egress:       monitors may also reach ${egress.allow.join(', ')} (VIGIA_EGRESS_ALLOW)${deny}`
    : `  Egress:       public addresses only: loopback and private ranges are refused to monitors (VIGIA_EGRESS_ALLOW=127.0.0.0/8 to try local targets)${deny}`;
}

/** Where the dead man's switch calls, without its path or query (a healthchecks-style URL's secret is in them). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'its URL';
  }
}
