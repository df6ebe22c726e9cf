export { DemoModule } from './demo.module.js';
export { DemoService, type DemoStatus } from './demo.service.js';
export { DemoServers, DEMO_SERVER_NAMES, DEMO_ZONE, type DemoServerName } from './demo-servers.js';
export { DEMO_HISTORY_MARK } from './demo-history.js';
