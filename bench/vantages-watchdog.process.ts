/**
 * One central watchdog for `npm run bench:vantages`: exactly apps/watchdog's process (runVigiaProcess with
 * WatchdogAppModule), plus an IPC channel the bench uses to read its schedule drift and probe count.
 */
import 'reflect-metadata';
import { WatchdogHeartbeatService, WatchdogService } from '#lib/detection';
import { runVigiaProcess } from '#lib/runtime';
import { WatchdogAppModule } from '../apps/watchdog/src/watchdog-app.module.js';
import { answerBench } from './vantages-ipc.js';

await runVigiaProcess({
  name: 'watchdog',
  defaultRoles: ['watchdog'],
  module: (config) => WatchdogAppModule.forRoot(config),
  async afterListen(app) {
    const watchdog = app.get(WatchdogService);
    const heartbeat = app.get(WatchdogHeartbeatService);
    answerBench(() => {
      const stats = watchdog.stats();
      return { drift: watchdog.takeDrift(), started: stats.started, monitors: stats.monitors, skipped: stats.skippedOverlap, shed: stats.shed, acked: 0, beat: heartbeat.takeBeatTimes() };
    });
  },
});
