import 'reflect-metadata';
import { WatchdogHeartbeatService } from '#lib/detection';
import { runVigiaProcess } from '#lib/runtime';
import { WatchdogAppModule } from './watchdog-app.module.js';

await runVigiaProcess({
  name: 'watchdog',
  defaultRoles: ['watchdog'],
  module: (config) => WatchdogAppModule.forRoot(config),
  async afterListen(app, config) {
    const id = app.get(WatchdogHeartbeatService).instanceId;
    process.stdout.write(`[vigia] watchdog ${id} running; health on http://${config.host}:${config.port}/healthz\n`);
  },
});
